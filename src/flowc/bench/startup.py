"""Start-up rows (P1 of issue 9): `flowc check` on a small file and
`flowc --version`, each a whole process in CPU time against a process that
only imports what flowc cannot do without; and the heavy modules `flowc
check` must not import."""
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
    repeat = 7 if quick else 21
    env = source_env()
    out: list = []
    with tempfile.TemporaryDirectory() as tmp:
        sample = os.path.join(tmp, "small.flow")
        with open(sample, "w", encoding="utf-8") as f:
            f.write(generate(3))
        chk, base = paired(lambda: process_cpu(["-m", "flowc", "check", sample], env),
                           lambda: process_cpu(["-c", "import lark, click, attrs"], env), repeat, warmup=2)
        out.append(Row("P1", "flowc check small file vs import lark,click,attrs", chk / base, 1.3,
                       f"{chk * 1000:.0f} ms vs {base * 1000:.0f} ms CPU"))
        ver, base = paired(lambda: process_cpu(["-m", "flowc", "--version"], env),
                           lambda: process_cpu(["-c", "import click"], env), repeat, warmup=2)
        out.append(Row("P1", "flowc --version vs import click", ver / base, 1.1,
                       f"{ver * 1000:.0f} ms vs {base * 1000:.0f} ms CPU"))
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
