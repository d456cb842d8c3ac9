"""Benchmark of `flowc replay`: `python -m flowc.bench.replay [--records N]`.

Generates a data set of N records (default 1,000,000) on a pipeline of 10
stages (JSON lines, each record with its history inline: its way through
the stages, a field change and events), then replays it with `--jobs 1`,
`--jobs 2` and a Dask `LocalCluster` of 2 workers, and prints for each:
the wall time, records per second, the speed-up over `--jobs 1` measured in
the same run, the peak memory (resident set) of each worker, and the
per-partition times, from which it projects 10M and 100M records on a
cluster of N workers.  The three reports must be the same bytes (exit 1 if
not).  Figures are in docs/performance.md.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time

STAGES = 10

FLOW = """\
timezone "Europe/Lisbon"

calendar office {
  hours mon-fri 09:00-13:00, 14:00-18:00
}

employee ana "Ana Ferreira" {
  email "ana@pumps.example"
}
employee bruno "Bruno Costa" {
  email "bruno@pumps.example"
  supervisor ana
}

entity deal {
  title: text
  amount: money
  source: text
  client: contact
}

pipeline sales for deal "Sales" {
""" + "".join(
    f'  stage s{i} "Stage {i}" {{\n'
    + ("    trigger form submitted\n" if i == 1 else "")
    + ("    trigger invoice paid\n" if i == 6 else "")
    + f'    robot note{i}: notify responsible "{{title}} is in stage {i}"\n'
    + (f'    robot call{i}: create task "Call {{client.name}} about {{title}}" after 2h in office hours\n'
       if i % 3 == 1 else "")
    + (f'    robot sms{i}: send sms "Hello {{client.name}}, your order {{title}} moved on" to mobile\n'
       f"      after previous if amount > 1_000\n" if i % 3 == 2 else "")
    + "  }\n" for i in range(STAGES - 2)) + """\
  stage won "Won" success {
    robot thanks: send email "Thank you, {client.name}" {
      text "We are glad to work with you."
    }
  }
  stage lost "Lost" failure
}
"""

_STAGE_NAMES = [f"s{i}" for i in range(STAGES - 2)] + ["won", "lost"]


def generate(folder: str, records: int, seed: int = 12) -> str:
    """Write records.jsonl (history and contacts inline) and rules.flow; returns the flow's path."""
    rnd = random.Random(seed)
    flow = os.path.join(folder, "rules.flow")
    with open(flow, "w", encoding="utf-8") as f:
        f.write(FLOW)
    with open(os.path.join(folder, "records.jsonl"), "w", encoding="utf-8") as f:
        for i in range(records):
            day = 1 + i % 28
            minute = (i * 37) % (10 * 60)
            t0 = f"2026-03-{day:02d} {8 + minute // 60:02d}:{minute % 60:02d}"
            contact = {"id": f"c{i % 50_000}", "kind": "contact", "name": f"Client {i % 50_000}",
                       "emails": [{"type": "work", "value": f"c{i % 50_000}@x.example"}],
                       "phones": [{"type": "mobile", "value": f"+351 91{i % 10} {i % 1000:03d} {i % 997:03d}"}]}
            history = []
            h = 0
            goal = rnd.randint(1, STAGES - 1)
            for k in range(1, goal + 1):
                h += rnd.randint(1, 30)
                at = f"2026-04-{1 + h // 24:02d} {h % 24:02d}:{(i * 7) % 60:02d}" if h < 24 * 28 else None
                if at is None:
                    break
                if k == 1:
                    history.append({"at": at, "event": "form_submitted"})
                elif k == 6:
                    history.append({"at": at, "event": "invoice_paid"})
                elif k == 4:
                    history.append({"at": at, "field": "amount", "value": 500 + (i * 13) % 5000})
                else:
                    history.append({"at": at, "stage": _STAGE_NAMES[min(k, STAGES - 1)]})
            f.write(json.dumps({"id": f"D{i}", "entity": "deal", "stage": "sales.s0", "created": t0,
                                "title": f"Deal {i}", "responsible": "bruno" if i % 3 else "ana",
                                "contacts": [contact], "fields": {"amount": 200 + (i * 31) % 9000,
                                                                  "source": "web"},
                                "history": history}, separators=(",", ":")) + "\n")
    return flow


def _maxrss_mib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def run(flow: str, data: str, mode: str, partition_size: int) -> dict:
    """One replay; its report, times, per-partition seconds and worker memory."""
    from ..diagnostics import Diagnostics
    from ..index import Index
    from ..lower import load
    from ..replay import report
    from ..replay.formats import find_files
    from ..replay.join import open_data_set, partitions
    from ..replay.problems import ProblemLog
    from ..replay.run import Job, run_here, run_processes
    from ..replay.summary import Summary
    from ..schema import CHANNELS

    diags = Diagnostics()
    project, modules = load([flow], diags)
    from ..check import check
    check(project, diags)
    if diags.has_errors:
        raise SystemExit(f"the benchmark's flow has errors: {[d.summary for d in diags]}")
    index = Index(project)
    sources = tuple((m.path, m.source.text) for m in modules)
    job = Job((flow,), sources, tuple((k, None) for k in CHANNELS), None, False, False)
    log = ProblemLog()
    started, cpu0 = time.perf_counter(), time.process_time()
    store, rows = open_data_set(find_files(data), log)
    parts = partitions(rows, store, log, partition_size)
    memory: list[float] = []
    if mode == "jobs1":
        results = run_here(job, parts)
    elif mode == "jobs2":
        results = run_processes(job, parts, 2)
    else:
        results = _dask(job, parts, memory)
    total, seconds, cpus = Summary(), [], []
    for r in results:
        total.merge(r.summary)
        seconds.append(r.seconds)
        cpus.append(r.cpu)
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu0 - (sum(cpus) if mode == "jobs1" else 0.0)
    store.close()
    if mode == "jobs1":
        memory = [_maxrss_mib()]
    elif mode == "jobs2":
        memory = [_maxrss_mib(resource.RUSAGE_CHILDREN)]  # the largest child
    out = io.StringIO()
    report.write_json(report.build(total, index), out)
    return {"mode": mode, "wall": wall, "records": total.records, "partition_seconds": seconds,
            "partition_cpu": cpus, "client_cpu": client_cpu, "memory_mib": memory,
            "load": os.getloadavg()[0], "report": out.getvalue()}


def _dask(job, parts, memory):
    from distributed import Client, LocalCluster, as_completed
    from ..replay.run import in_order, run_partition

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        job_future = client.scatter(job, broadcast=True)
        finished = as_completed()

        def submit(number, bundles):
            fut = client.submit(run_partition, job_future, number, bundles, pure=False, retries=2)
            finished.add(fut)
            return fut

        def wait_any(_):
            fut = next(finished)
            return [(fut, fut.result())]

        yield from in_order(submit, wait_any, parts, window=4)
        rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        memory.extend(rss[w] for w in sorted(rss))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m flowc.bench.replay", description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--partition-size", type=int, default=2_000)
    ap.add_argument("--modes", default="jobs1,jobs2,dask2")
    ap.add_argument("--data", default=None, help="reuse (or keep) the generated data set in this folder")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)
    folder = args.data or tempfile.mkdtemp(prefix="flowc-bench-replay-")
    os.makedirs(folder, exist_ok=True)
    flow = os.path.join(folder, "rules.flow")
    t0 = time.perf_counter()
    if not os.path.exists(os.path.join(folder, "records.jsonl")):
        flow = generate(folder, args.records)
    size = os.path.getsize(os.path.join(folder, "records.jsonl"))
    print(f"data: {args.records:,} records x {STAGES} stages, {size / 2**20:,.0f} MiB "
          f"(generated in {time.perf_counter() - t0:,.0f} s); partitions of {args.partition_size:,}")
    results = []
    for mode in args.modes.split(","):
        r = run(flow, folder, mode, args.partition_size)
        results.append(r)
        base = results[0]["wall"]
        per = r["partition_seconds"]
        n = max(1, r["records"])
        print(f"{mode:6} {r['wall']:8,.1f} s  {r['records'] / r['wall']:8,.0f} records/s  "
              f"speed-up {base / r['wall']:4.2f}x  peak memory per worker "
              + ", ".join(f"{m:,.0f} MiB" for m in r["memory_mib"])
              + f"  partition median {statistics.median(per):.2f} s (max {max(per):.2f} s, {len(per)} partitions)"
              + f"  CPU per record: workers {sum(r['partition_cpu']) / n * 1e6:,.0f} us, client "
              f"{r['client_cpu'] / n * 1e6:,.0f} us; load average {r['load']:.1f}", flush=True)
    same = len({r["report"] for r in results}) == 1
    print("reports identical:", same)
    # What the CPU times say for an otherwise idle machine (the wall times above
    # depend on what else runs): each worker needs w per record, the client c.
    one = results[0]
    n = max(1, one["records"])
    w = sum(one["partition_cpu"]) / n
    c = one["client_cpu"] / n
    print(f"CPU per record (--jobs 1): replaying {w * 1e6:,.0f} us, client (reading, joining, merging) "
          f"{c * 1e6:,.0f} us; per partition median {statistics.median(one['partition_cpu']):.2f} s CPU")
    for r in results[1:]:
        w2 = sum(r["partition_cpu"]) / max(1, r["records"])
        c2 = r["client_cpu"] / max(1, r["records"])
        t2 = max((w2 + c2) / 2, c2, w2 / 2)  # 2 workers and the client on 2 cores
        print(f"{r['mode']}: CPU per record workers {w2 * 1e6:,.0f} us, client {c2 * 1e6:,.0f} us: "
              f"on 2 idle cores, speed-up {(w + c) / t2:.2f}x over --jobs 1")
    for total in (10_000_000, 100_000_000):
        for workers in (2, 8, 32, 128):
            t = max(total * w / workers, total * c)
            print(f"projection: {total:>11,} records on {workers:>3} workers: {t / 3600:7.2f} h"
                  + ("  (bounded by the client)" if total * c >= total * w / workers else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{k: v for k, v in r.items() if k != "report"} for r in results], f)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
