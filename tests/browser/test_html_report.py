"""The HTML report of `flowc simulate --html` in a real browser (headless
Chromium): every example's page loads without a console error or a request,
shows its lanes and marks, and shows a mark's trace line when the pointer
is on it; a screenshot of each page is kept as a test artifact."""
from __future__ import annotations

import json

from click.testing import CliRunner

from flowc.cli import main
from support import EXAMPLES, ROOT

FILES = [p for p in sorted(EXAMPLES.glob("*.flow")) if p.stem != "common"] + \
    [ROOT / "tests" / "simulate" / "failing" / "expectations.flow"]


def test_every_report_in_chromium(browser, artifacts, tmp_path):
    jobs, traces = [], {}
    for path in FILES:
        page = tmp_path / f"{path.stem}.html"
        CliRunner().invoke(main, ["simulate", str(path), "--html", str(page)])
        assert page.is_file(), path
        out = CliRunner().invoke(main, ["simulate", str(path), "--format", "jsonl"]).stdout
        traces[path.stem] = [json.loads(line) for line in out.splitlines()]
        jobs.append({"kind": "page", "file": str(page), "screenshot": str(artifacts / f"report-{path.stem}.png"),
                     "queries": {"lanes": "g.lane", "marks": "circle.mark", "flags": "path.flag",
                                 "off": "rect.off", "sections": "section.scenario", "bad": "li.expectation.bad"},
                     "hover": "circle.mark.done"})
    for path, seen in zip(FILES, browser(jobs)):
        trace = traces[path.stem]
        assert seen["console_errors"] == [] and seen["page_errors"] == [], seen
        assert seen["requests"] == [], "the page fetched something"
        q = seen["queries"]
        assert q["sections"]["count"] == sum(d["kind"] == "scenario_start" for d in trace)
        assert q["lanes"]["count"] == sum(d["kind"] == "summary" for d in trace)
        assert q["marks"]["count"] == sum(d["kind"] in ("done", "failed", "skipped", "cancelled", "waiting")
                                          for d in trace)
        assert q["off"]["count"] > 0
        assert q["bad"]["count"] == sum(d["kind"] == "expectation" and not d["ok"] for d in trace)
        first_done = next(d for d in trace if d["kind"] == "done")
        assert seen["hover"].startswith(f"{_local(first_done['at'])}  {first_done['record']}  robot "
                                        f"{first_done['robot']} done"), seen["hover"]
        assert (artifacts / f"report-{path.stem}.png").stat().st_size > 10_000


def _local(iso: str) -> str:
    import datetime as dt
    t = dt.datetime.fromisoformat(iso)
    return f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[t.weekday()]} {t:%Y-%m-%d %H:%M}"
