"""Tests of flowc.workcal.

The suite runs with `--import-mode=importlib`, and this directory cannot be
imported as a package (`time` is a stdlib module), so its helper module
`workcal_support` is made importable here."""
from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
