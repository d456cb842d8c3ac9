"""Fixtures of the editor tests; the helpers are in editors_support.py."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

# The suite imports test modules with --import-mode=importlib: put this folder
# on sys.path so its modules can import the helpers by their (unique) name.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from editors_support import FLOW_FILES, NODE_MODULES, TextMate, require  # noqa: E402


@pytest.fixture(scope="session")
def node() -> str:
    """The node executable, with tests/editors/node_modules installed (else skip, or fail in CI)."""
    exe = shutil.which("node")
    require(exe, "node is not installed: the VS Code grammar tests need Node.js 20+ "
                 "and `npm ci --prefix tests/editors`")
    require((NODE_MODULES / "vscode-textmate").is_dir()
            and (NODE_MODULES / "vscode-oniguruma").is_dir(),
            "tests/editors/node_modules is missing: run `npm ci --prefix tests/editors`")
    return exe


@pytest.fixture(scope="session")
def textmate(node: str) -> TextMate:
    """The VS Code TextMate engine on our grammar; every example is tokenized at once."""
    tm = TextMate(node)
    tm.tokenize(*FLOW_FILES)
    return tm
