"""Shared fixtures.  `snapshot_text`: syrupy snapshots as plain-text files
named after their case (see support.PlainTextSnapshot):
`assert output == snapshot_text(name="sales")`."""
from __future__ import annotations

from pathlib import Path

import pytest

import support
from support import EXAMPLES, ROOT, SRC, PlainTextSnapshot, subprocess_env  # noqa: F401

support.ensure_importable()


@pytest.fixture
def snapshot_text(snapshot):
    return snapshot.use_extension(PlainTextSnapshot)


@pytest.fixture(scope="session")
def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.flow"))
