"""Helpers of the replay tests: run `flowc replay` in-process on a data set."""
from __future__ import annotations

import io
import json

from flowc.replay.driver import Options, replay
from support import ROOT

SALES = str(ROOT / "examples" / "sales.flow")
DATA = str(ROOT / "examples" / "data" / "sales")
DATA_CSV = str(ROOT / "examples" / "data" / "sales-csv")


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def report(self) -> dict:
        return json.loads(self.out)


def run_replay(data: str, files=(SALES,), **kw) -> Run:
    out, err = io.StringIO(), io.StringIO()
    kw.setdefault("fmt", "json")
    code = replay(Options(tuple(files), data, **kw), out, err)
    return Run(code, out.getvalue(), err.getvalue())
