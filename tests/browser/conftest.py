"""Fixtures of the browser tests: `browser(jobs)` runs jobs in one headless
Chromium (Debian's, driven by playwright-core: see browser.js) and returns
what it saw; `artifacts` is the folder where screenshots are kept.

Without Chromium, node or `npm ci --prefix tests/browser` the tests are
skipped with the reason, and fail under CI (FLOWC_CI), where `.ci/run`
installs all three."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import ROOT, require

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("FLOWC_CHROMIUM", "/usr/bin/chromium")

#: Screenshots and pages the tests make, kept for people to look at (CI keeps
#: the folder as its artifacts).
ARTIFACTS = Path(os.environ.get("FLOWC_ARTIFACTS", ROOT / "build" / "test-artifacts"))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    node = shutil.which("node")
    require(node, "node is not installed: the browser tests need Node.js 20+")
    require(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: apt-get install chromium")
    require((HERE / "node_modules" / "playwright-core").is_dir() and (HERE / "node_modules" / "mermaid").is_dir(),
            "tests/browser/node_modules is missing: run `npm ci --prefix tests/browser`")
    folder = tmp_path_factory.mktemp("browser")
    count = 0

    def run(jobs: list[dict]) -> list[dict]:
        nonlocal count
        count += 1
        path = folder / f"jobs{count}.json"
        path.write_text(json.dumps(jobs), encoding="utf-8")
        done = subprocess.run([node, str(HERE / "browser.js"), str(path)], capture_output=True, timeout=600,
                              cwd=HERE)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return json.loads(done.stdout)

    return run
