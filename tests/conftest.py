"""Shared test fixtures.

`snapshot_text`: syrupy snapshots stored as plain-text files named after the
case (`tests/<dir>/__snapshots__/<test module>/<name>.txt`), so that every
snapshot reads as what a user sees.  Use it as
`assert output == snapshot_text(name="sales")`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
EXAMPLES = ROOT / "examples"


class PlainTextSnapshot(SingleFileSnapshotExtension):
    """One plain-text file per snapshot.  With `snapshot(name="sales")` the
    file is `__snapshots__/<test module>/sales.txt`: named after the case."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"

    @classmethod
    def get_snapshot_name(cls, *, test_location, index=0) -> str:
        if isinstance(index, str):
            return index
        return super().get_snapshot_name(test_location=test_location, index=index)


@pytest.fixture
def snapshot_text(snapshot):
    return snapshot.use_extension(PlainTextSnapshot)


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for running `python -m flowc` in a subprocess, from the
    source tree or an installed package alike."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.flow"))


# Make `import flowc` work from the source tree when the package is not installed.
if str(SRC) not in sys.path:
    try:
        import flowc  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(SRC))
