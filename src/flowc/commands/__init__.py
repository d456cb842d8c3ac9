"""The subcommands of `flowc`, one module each.

Each module defines one click command named like the module; `flowc.cli`
lists them in its table and imports a module only when its command runs, so
`flowc --version` and `flowc check` load nothing they do not use.
"""
from __future__ import annotations

import click

#: Exit codes, for every command: 0 all good; 1 the input has problems (or an
#: expectation failed); 2 usage or I/O problems.
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
                            show_default=True, help="Colour the output (auto: when it is a terminal).")
