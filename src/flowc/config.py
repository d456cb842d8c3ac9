"""The project configuration of `flowc check`: `flowc.toml`, or the
`[tool.flowc]` table of `pyproject.toml`.

It is looked for from the current folder upwards; the first folder that has
a `flowc.toml`, or a `pyproject.toml` with a `[tool.flowc]` table, holds it
(`flowc.toml` first).  Keys:

    strict = true               # warnings are errors, as with --strict
    ignore = ["F303", "F507"]   # these warnings and notes are never shown
    files = ["flows", "x.flow"] # what `flowc check` checks when given no path

Paths in `files` are relative to the folder of the configuration file.  A
configuration that cannot be read, or has an unknown key or a value of the
wrong type, is a usage error (exit 2).
"""
from __future__ import annotations

import os
import re
import tomllib

import attrs
import click

from .diagnostics import suggest

#: key -> (type, what it is): one entry per setting.
KEYS = {
    "strict": (bool, "true or false"),
    "ignore": (list, 'a list of codes, like ["F303"]'),
    "files": (list, 'a list of files and folders, like ["flows"]'),
}


@attrs.frozen
class Config:
    path: str | None = None  # the file it came from
    strict: bool = False
    ignore: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


def find(start: str | None = None) -> str | None:
    """The configuration file that applies to `start` (default: the current folder)."""
    folder = os.path.abspath(start or os.getcwd())
    while True:
        for name in ("flowc.toml", "pyproject.toml"):
            path = os.path.join(folder, name)
            if os.path.isfile(path) and (name == "flowc.toml" or _has_table(path)):
                return path
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _has_table(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return "flowc" in tomllib.load(fh).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False


def load(path: str | None = None) -> Config:
    """The configuration at `path` (default: the one `find` finds), or an
    empty one."""
    path = path or find()
    if path is None:
        return Config()
    where = os.path.relpath(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as e:
        raise click.UsageError(f"{where}: cannot read the configuration: {e.strerror}")
    except tomllib.TOMLDecodeError as e:
        raise click.UsageError(f"{where}: not valid TOML: {e}")
    if os.path.basename(path) == "pyproject.toml":
        data, where = data.get("tool", {}).get("flowc", {}), f"{where} [tool.flowc]"
    values = {}
    for key, value in data.items():
        if key not in KEYS:
            best = suggest(key, KEYS)
            hint = f' (did you mean "{best}"?)' if best else f" (the keys are {', '.join(KEYS)})"
            raise click.UsageError(f'{where}: unknown key "{key}"{hint}')
        kind, what = KEYS[key]
        if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
            raise click.UsageError(f'{where}: "{key}" must be {what}')
        values[key] = value
    bad = [c for c in values.get("ignore", ()) if not re.fullmatch(r"F\d{3}", c)]
    if bad:
        raise click.UsageError(f'{where}: "ignore" takes codes like "F303", not {", ".join(map(repr, bad))}')
    base = os.path.dirname(path)
    files = tuple(os.path.relpath(os.path.join(base, f)) for f in values.get("files", ()))
    return Config(path, values.get("strict", False), tuple(values.get("ignore", ())), files)
