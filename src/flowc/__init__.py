"""flowc: CRM automation rules as code.

The phases are verbs, each taking the previous phase's output and a
`Diagnostics` collector::

    parse(text, path, diags)  -> syntax.Module
    lower(modules, diags)     -> ir.Project
    check(project, diags)     -> None (adds diagnostics)
    simulate(project, ...)    -> iterator of trace events

Heavy modules are imported lazily, so `import flowc` stays cheap.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["parse", "lower", "check", "simulate", "load", "__version__"]


def __getattr__(name: str):
    if name == "parse":
        from .parse import parse
        return parse
    if name == "lower":
        from .lower import lower
        return lower
    if name == "load":
        from .lower import load
        return load
    if name == "check":
        from .check import check
        return check
    if name == "simulate":
        from .interpret import simulate
        return simulate
    raise AttributeError(name)
