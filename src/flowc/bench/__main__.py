"""`python -m flowc.bench`: run the groups of rows and print the report."""
from __future__ import annotations

import argparse
import importlib
import sys

from .measure import Row

#: The groups, in the order they run: name -> module of `flowc.bench` with `rows(quick)`.
GROUPS = {
    "startup": "startup",
    "check": "checking",
    "lsp": "editing",
    "simulate": "simulation",
    "worktime": "worktime",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m flowc.bench",
                                 description="Benchmarks: ratios against baselines measured in the same run.")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    ap.add_argument("--only", nargs="+", choices=sorted(GROUPS), metavar="GROUP",
                    help=f"run only these groups ({', '.join(GROUPS)})")
    args = ap.parse_args(argv)
    ok = True
    for name, module in GROUPS.items():
        if args.only and name not in args.only:
            continue
        rows = importlib.import_module(f"{__package__}.{module}").rows(args.quick)
        for row in rows:
            if isinstance(row, Row):
                print(row.line(), flush=True)
                ok &= row.ok is not False
            else:
                print(row, flush=True)
                ok &= not row.startswith("FAIL")
    print("ok" if ok else "FAILED: a row misses its target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
