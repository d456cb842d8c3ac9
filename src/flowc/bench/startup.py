"""Start-up rows: `flowc check` on a small file, as a whole process, and the
heavy modules it must not import."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from .inputs import generate
from .measure import Row, info, paired, process_cpu, source_env

#: Packages `flowc check` must never import (the language server's).
FORBIDDEN = ("pygls", "lsprotocol")
HEAVY = ("pygls", "lsprotocol", "holidays", "pendulum", "pygments")


def rows(quick: bool) -> list:
    repeat = 5 if quick else 15
    env = source_env()
    out: list = []
    with tempfile.TemporaryDirectory() as tmp:
        sample = os.path.join(tmp, "small.flow")
        with open(sample, "w", encoding="utf-8") as f:
            f.write(generate(3))
        chk, base = paired(lambda: process_cpu(["-m", "flowc", "check", sample], env),
                           lambda: process_cpu(["-c", "pass"], env), repeat)
        out.append(Row("startup", "flowc check small file vs python -c pass", chk / base, None,
                       f"{chk * 1000:.0f} ms vs {base * 1000:.0f} ms CPU"))
        mods = subprocess.run(
            [sys.executable, "-c",
             "import sys, os, runpy; sys.argv=['flowc','check',%r]\n"
             "out, sys.stdout = sys.stdout, open(os.devnull, 'w')\n"
             "try:\n runpy.run_module('flowc', run_name='__main__')\n"
             "except SystemExit: pass\n"
             "sys.stdout = out\n"
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in %r)))" % (sample, HEAVY)],
            env=env, capture_output=True, text=True).stdout.strip()
    heavy = sorted({m.split(".")[0] for m in mods.split()})
    out.append(info("startup", f"heavy modules loaded by check: {', '.join(heavy) or 'none'}"))
    if any(m in heavy for m in FORBIDDEN):
        out.append(info("FAIL", "flowc check imports the language server"))
    return out
