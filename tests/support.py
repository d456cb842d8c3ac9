"""Helpers shared by the test suites (importable as `support`: pytest puts
tests/ on sys.path, see pyproject.toml)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

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


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for `python -m flowc` in a subprocess: the source tree's
    package when it is not installed."""
    env = dict(os.environ)
    try:
        import flowc
        installed = not str(Path(flowc.__file__).resolve()).startswith(str(SRC))
    except ImportError:
        installed = False
    if not installed:
        env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def ensure_importable() -> None:
    if str(SRC) not in sys.path:
        try:
            import flowc  # noqa: F401
        except ImportError:
            sys.path.insert(0, str(SRC))


def require(ok: object, reason: str) -> None:
    """Skip the test when `ok` is false (a tool that is not installed), or
    fail it under CI (FLOWC_CI set), where `.ci/run` installs every tool."""
    import pytest

    if ok:
        return
    if os.environ.get("FLOWC_CI"):
        pytest.fail(f"{reason} (FLOWC_CI is set: in CI this test must run, not be skipped)", pytrace=False)
    pytest.skip(reason)
