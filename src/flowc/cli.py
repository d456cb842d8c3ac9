"""The `flowc` command: a group of subcommands, one module each under
`flowc.commands`, imported only when the command runs.

Exit codes, for every command: 0 all good; 1 the input has errors (or a
simulation expectation failed); 2 usage or I/O problems (a path that does not
exist, an unknown option).  No Python traceback reaches the user.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from . import __version__

from .commands import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE  # noqa: F401  (re-exported)

#: Every subcommand: name -> (module under flowc.commands, one line of help).
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "report everything wrong, before it goes live"),
    "simulate": ("simulate", "show what every robot and trigger will do, and when"),
    "replay": ("replay", "run the rules against real CRM data and report what they would have done"),
    "fmt": ("fmt", "lay files out canonically"),
    "lsp": ("lsp", "the language server, for editors"),
    "graph": ("graph", "draw the board: stages, robots, triggers, moves, loops"),
    "doc": ("doc", "write the handbook: every rule in plain words, a checklist"),
    "init": ("init", "start a project that checks and simulates clean"),
    "diff": ("diff", "what a change to the rules does to the scenarios' behaviour"),
    "explain": ("explain", "why a robot ran or not; what a diagnostic code means"),
}

class _Group(click.Group):
    """Subcommands from the COMMANDS table, loaded lazily; usage errors exit
    2; anything unexpected is reported as an internal error, never a traceback."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"flowc.commands.{COMMANDS[name][0]}")
        return getattr(module, name)

    def format_commands(self, ctx, formatter):
        # The help lines come from the table: `flowc --help` imports no command.
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])

    def main(self, *args, **kwargs):
        from . import streams

        streams.setup()
        try:
            code = self._main(*args, **kwargs)
        except SystemExit as e:
            code = e.code
        failed = streams.finish()
        if isinstance(failed, BrokenPipeError):  # `| head`: the reader has seen enough
            code = EXIT_PROBLEMS
        elif failed is not None:
            click.echo(streams.write_error(failed), err=True)
            code = EXIT_USAGE
        sys.exit(code)

    def _main(self, *args, **kwargs):
        from . import streams

        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(EXIT_USAGE)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(EXIT_USAGE)
        except (BrokenPipeError, KeyboardInterrupt):
            streams.silence()
            sys.exit(EXIT_PROBLEMS)
        except OSError as e:  # standard output closed, full, ...: one line, exit 2
            streams.silence()
            click.echo(streams.write_error(e), err=True)
            sys.exit(EXIT_USAGE)
        except RecursionError:
            click.echo("flowc: internal error: input nested too deeply", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as e:  # pragma: no cover - a bug; say so plainly
            if os.environ.get("FLOWC_DEBUG"):
                raise
            click.echo(f"flowc: internal error: {type(e).__name__}: {e}\n"
                       "This is a bug in flowc; set FLOWC_DEBUG=1 to see the details.", err=True)
            sys.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flowc")
def main() -> None:
    """flowc: CRM automation rules as code."""


if __name__ == "__main__":  # pragma: no cover
    main()
