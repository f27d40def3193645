"""The engines that run partitions: in this process, or on Dask workers (a local cluster or a scheduler).

Both take tasks as they are read and yield each task with its outcome as it finishes, and report
progress in documents. On Dask, a worker that dies takes no documents with it: the scheduler gives its
partitions to another worker (up to ALLOWED_FAILURES deaths per partition); a partition that kills every
worker it meets is reported as failed documents and the batch goes on.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from typing import Any, Protocol

from kroniek.batch.work import Outcome, Task, run_task
from kroniek.errors import BatchError, IngestError

Advance = Callable[[int], None]

# Deaths of a worker while it holds a partition before the partition is given up: a crash that repeats
# on every worker is a bad document, one that does not is a lost machine.
ALLOWED_FAILURES = 3
WORKER_WAIT_S = 60.0
SCHEDULER_TIMEOUT_S = 10.0


class Engine(Protocol):
    def run(self, tasks: Iterable[Task], advance: Advance) -> Iterator[tuple[Task, Outcome]]: ...

    def close(self) -> None: ...


class LocalEngine:
    """In this process, one partition after the other: for small jobs and for tests."""

    def run(self, tasks: Iterable[Task], advance: Advance) -> Iterator[tuple[Task, Outcome]]:
        for task in tasks:
            yield task, run_task(task, on_document=lambda: advance(1))

    def close(self) -> None:
        pass


class DaskEngine:
    """On the workers of a Dask scheduler; without an address, on a LocalCluster of `workers` processes."""

    def __init__(self, scheduler: str | None = None, workers: int = 2) -> None:
        self._stack = ExitStack()
        try:
            self.client = _connect(scheduler) if scheduler else _start_local_cluster(workers, self._stack)
            self._stack.callback(self.client.close)
            self._wait_for_workers(scheduler)
        except BaseException:
            self._stack.close()
            raise

    def _wait_for_workers(self, scheduler: str | None) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            raise BatchError("E051", address=scheduler, seconds=WORKER_WAIT_S) from None

    def run(self, tasks: Iterable[Task], advance: Advance) -> Iterator[tuple[Task, Outcome]]:
        running = _distributed().as_completed(loop=self.client.loop)
        task_of: dict[Any, Task] = {}
        for task in tasks:
            future = self.client.submit(run_task, task, pure=False)
            task_of[future.key] = task
            running.add(future)
            while running.count() >= self._in_flight():  # read ahead a little, not the whole input
                yield self._finished(next(running), task_of, advance)
        for future in running:
            yield self._finished(future, task_of, advance)

    def _in_flight(self) -> int:
        return 2 * max(1, int(sum(self.client.nthreads().values()))) + 1

    def _finished(self, future: Any, task_of: dict[Any, Task], advance: Advance) -> tuple[Task, Outcome]:
        task = task_of.pop(future.key)
        try:
            outcome: Outcome = future.result()
        except _distributed().KilledWorker:
            outcome = _given_up(task)
        finally:
            future.release()
        advance(len(task.items))
        return task, outcome

    def close(self) -> None:
        self._stack.close()


def _given_up(task: Task) -> Outcome:
    failures = [str(IngestError("E052", path=item.origin, times=ALLOWED_FAILURES + 1)) for item in task.items]
    return Outcome(task.key, len(task.items), failures=failures)


def _distributed() -> Any:
    """dask.distributed, imported when a Dask engine starts (not by every command); it has no type hints."""
    return importlib.import_module("distributed")


def _connect(address: str) -> Any:
    distributed = _distributed()
    try:
        distributed.comm.get_address_host_port(address)  # a malformed address fails here, not in a half-made client
        return distributed.Client(address, timeout=SCHEDULER_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise BatchError("E050", address=address, reason=str(error) or type(error).__name__) from None


def _start_local_cluster(workers: int, stack: ExitStack) -> Any:
    """One-thread worker processes on this machine; the stack closes the cluster."""
    import dask

    distributed = _distributed()
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
            env={"KRONIEK_THREADS": "1"},  # one core per worker: the NER model must not take them all
        )
    stack.callback(cluster.close)
    return distributed.Client(cluster, set_as_default=False)
