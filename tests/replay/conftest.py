"""tests/replay: the helpers of this folder (`replay_support`) and a fixture
that writes a data set."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture
def write_data(tmp_path):
    """write_data({"records.jsonl": [...objects or raw lines...], ...}) -> folder."""
    def write(files: dict) -> str:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            if isinstance(content, bytes):
                (folder / name).write_bytes(content)
            elif isinstance(content, str):
                (folder / name).write_text(content, encoding="utf-8")
            else:
                (folder / name).write_text("".join((l if isinstance(l, str) else json.dumps(l)) + "\n"
                                                   for l in content), encoding="utf-8")
        return str(folder)
    return write
