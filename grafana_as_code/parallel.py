"""Independent pieces of a run on every core: each environment's catalog is loaded in a process of its own.

Environments share nothing while they load (each renders and checks its own dashboards and rules), so with more than
one environment and core the catalogs are built by forked worker processes, and the parent takes their results in
environment order: warnings, query figures and the first environment's errors come out exactly as a one-process run
gives them (tests compare both). Workers inherit the loaded inputs from the parent's memory (fork), open their own
connection to the content-addressed cache, and send back the catalog as a pickle.

Fork is used where it is the platform's own way to start processes (Linux); elsewhere, or with ``GAC_JOBS=1``, or
for one environment, everything runs in this process. ``GAC_JOBS=N`` caps the workers (default: the cores).
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from .errors import UserError, collecting_warnings, warn

T = TypeVar("T")

# What the workers run, set just before they are forked (so it reaches them through memory, not pickles).
_TASKS: tuple[Path, Sequence[Callable[[], Any]]] | None = None


def jobs(tasks: int) -> int:
    """How many worker processes for ``tasks`` independent pieces (1: run them here)."""
    if tasks < 2 or sys.platform != "linux":
        return 1
    configured = os.environ.get("GAC_JOBS", "").strip()
    limit = int(configured) if configured.isdigit() and int(configured) > 0 else (os.cpu_count() or 1)
    return min(tasks, limit)


def _run(index: int) -> bytes:
    """In a worker: one task, with its warnings, query records and errors, as a pickle."""
    from .cache import caching
    from .dashboards.validate.query_report import recording
    from .project_snapshot import dump_models

    assert _TASKS is not None
    root, tasks = _TASKS
    with recording() as records, collecting_warnings() as warnings:
        try:
            with caching(root):  # its own connection: one inherited through fork must not be shared
                result = ("ok", tasks[index]())
        except UserError as error:
            result = ("error", error.problems)
        except BaseException:  # noqa: BLE001 - a bug: shown by the parent with the worker's traceback
            result = ("crash", traceback.format_exc())
    return dump_models((result, list(warnings), list(records)))


def run_each(root: Path, tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Every task's result, in order; like ``[task() for task in tasks]`` (the first UserError, in task order, is
    raised; the warnings and query records of the tasks before it are passed on), on several cores where possible."""
    workers = jobs(len(tasks))
    if workers == 1:
        return [task() for task in tasks]
    from .dashboards.validate.query_report import record

    global _TASKS
    _TASKS = (root, tasks)
    results: list[T] = []
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run, index) for index in range(len(tasks))]
            for future in futures:
                (status, value), warnings, records = pickle.loads(future.result())
                for problem in warnings:
                    warn(problem.where, problem.field, problem.message)
                for args in records:
                    record(*args)
                if status == "error":
                    for other in futures:
                        other.cancel()
                    raise UserError(value)
                if status == "crash":
                    raise RuntimeError(f"a worker process failed:\n{value}")
                results.append(value)
    finally:
        _TASKS = None
    return results

