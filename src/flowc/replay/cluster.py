"""Running partitions on Dask distributed: a scheduler given by its address
(`--scheduler tcp://host:8786`), or a `LocalCluster` of N worker processes
(`--dask --jobs N`).

Dask does the scheduling, the retries and the data movement: the job (the
project's text, the options) is scattered to every worker once, each
partition is a task (`run_partition`, retried on a lost worker), and its
result (a mergeable summary and the compressed trace lines) comes back to
the client, which merges the summaries and writes the trace in partition
order.  This module is the only one that imports dask, and only when it runs.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from .join import Bundle
from .run import Job, Result, in_order, run_partition

#: Times Dask runs a partition again when its worker is lost.
RETRIES = 2


class ClusterError(Exception):
    """The scheduler cannot be reached, or Dask is not installed: exit 2."""


def run_dask(job: Job, partitions: Iterable[list[Bundle]], scheduler: str | None, workers: int
             ) -> Iterator[Result]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - depends on the installation
        raise ClusterError("Dask distributed is not installed: pip install 'dask[distributed]'") from None

    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as e:
                raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        with client:
            nworkers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
            job_future = client.scatter(job, broadcast=True)
            finished = as_completed()

            def submit(number, bundles):
                fut = client.submit(run_partition, job_future, number, bundles, pure=False, retries=RETRIES,
                                    key=f"flowc-replay-{number}-{id(job_future)}")
                finished.add(fut)
                return fut

            def wait_any(futures):
                fut = next(finished)
                return [(fut, fut.result())]

            yield from in_order(submit, wait_any, partitions, window=2 * nworkers)
    finally:
        if cluster is not None:
            cluster.close()
