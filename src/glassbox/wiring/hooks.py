"""Kedro hooks: checks before any work, user errors reported without a traceback, one run
per checkout at a time, one writer per machine under torchrun."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.io import MemoryDataset

from glassbox.errors import hint_for, report_user_errors_briefly
from glassbox.progress import QuietWatch
from glassbox.training.ranks import is_writer
from glassbox.wiring.run_lock import RunLock

log = logging.getLogger(__name__)


class PreflightHooks:
    """Every check that needs no work runs before the first node (glassbox.wiring.preflight); a
    user's mistake then ends the run with a short message instead of a traceback."""

    @hook_impl
    def after_context_created(self) -> None:
        report_user_errors_briefly()

    @hook_impl(tryfirst=True)  # before the run lock is taken
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any):
        from glassbox.wiring.preflight import check_before_run

        project_path = Path(run_params["project_path"])
        config = _catalog_config(catalog, project_path)
        check_before_run(project_path, catalog.load("parameters"), pipeline, config)


# A node done sooner than this gets no "done:" line: on digits twenty nodes take 0.0 s, and
# their lines pushed the default run's log past a screenful; what a node found is logged by
# the node itself, and a failing node is reported whatever its time.
QUIET_NODE_SECONDS = 1.0


class ProgressHooks:
    """A line per finished node that took a second or more, with its time, and the result
    summary at the end of a `kedro run` (under `dvc repro`, `make run` prints the summary
    once all stages ran)."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}
        self._watches: dict[str, QuietWatch] = {}

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any) -> None:
        names = ", ".join(run_params.get("pipeline_names") or ["__default__"])
        count = len(pipeline.nodes)
        log.info("kedro run %s: %d node%s", names, count, "" if count == 1 else "s")

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self._started[node.name] = time.perf_counter()
        # No node leaves the log silent for long, whatever it does (glassbox.progress).
        self._watches[node.name] = QuietWatch(node.name).__enter__()

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        self._stop_watch(node)
        seconds = time.perf_counter() - self._started.pop(node.name, time.perf_counter())
        if seconds >= QUIET_NODE_SECONDS:
            log.info("done: %s (%.1f s)", node.name, seconds)

    @hook_impl
    def on_node_error(self, node: Any) -> None:
        self._stop_watch(node)

    def _stop_watch(self, node: Any) -> None:
        watch = self._watches.pop(node.name, None)
        if watch is not None:
            watch.__exit__(None, None, None)

    @hook_impl
    def after_pipeline_run(self, run_params: dict[str, Any], catalog: Any) -> None:
        if os.environ.get("DVC_STAGE") or not is_writer():
            return
        from glassbox.wiring.summary import summary_lines

        project_path = Path(run_params["project_path"])
        for line in summary_lines(project_path, _catalog_config(catalog, project_path)):
            log.info("%s", line)


def _catalog_config(catalog: Any, project_path: Path) -> dict[str, dict]:
    """The catalog's entries, file paths relative to the project (as dvc.yaml names them)."""
    config = {}
    for name, entry in catalog.to_config()[0].items():
        # A dataset already created is described by its constructor's arguments.
        entry = {**entry, **entry.get("kwargs", {})}
        if entry.get("filepath"):
            path = Path(entry["filepath"])
            if path.is_relative_to(project_path):
                entry["filepath"] = path.relative_to(project_path).as_posix()
        config[name] = entry
    return config


class RunLockHooks:
    """Holds the checkout's run lock from the start of a pipeline run to its end."""

    def __init__(self) -> None:
        self._lock: RunLock | None = None

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        if not is_writer():
            return  # a torchrun worker that saves nothing; local rank 0 holds the lock
        self._lock = RunLock(run_params["project_path"])
        self._lock.acquire()

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._release()

    @hook_impl
    def on_pipeline_error(self, error: Exception) -> None:
        hint = hint_for(error)
        if hint:
            log.error("Hint: %s", hint)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class DistributedWriterHooks:
    """Under `torchrun ... -m kedro run`, every process runs the pipeline, but only local
    rank 0 saves. The others' outputs go to memory: after DDP their model is the same."""

    @hook_impl
    def before_pipeline_run(self, pipeline: Any, catalog: Any) -> None:
        if is_writer():
            return
        for name in pipeline.all_outputs():
            catalog[name] = MemoryDataset(copy_mode="assign")


class ArrowMemoryHooks:
    """Hands the memory Arrow's allocator keeps after reading or writing Parquet back to the
    system. Arrow's pool holds freed memory for its own reuse: after a 1 GB table is read,
    1.5 GB more stays held for the rest of the run, unusable by numpy and torch."""

    @hook_impl
    def after_dataset_loaded(self) -> None:
        _release_arrow_memory()

    @hook_impl
    def after_dataset_saved(self) -> None:
        _release_arrow_memory()


class QuickExitHooks:
    """Lets a process that ran a pipeline end quickly. As Python exits, it collects every
    object it tracks, and a stage's process holds PyTorch's, pandas' and Kedro's: that took
    0.6-1.1 s of each stage here (the explainability stage's exit: 1.05 s, 0.17 s frozen),
    for memory the process hands back as it ends anyway. So the objects are frozen
    (``gc.freeze``, Python's documented way) at exit, after every other exit handler: files
    are closed and logs flushed as before. Only at exit: a notebook that runs pipelines keeps
    collecting its garbage."""

    _registered = False

    @hook_impl
    def after_pipeline_run(self) -> None:
        if not QuickExitHooks._registered:
            atexit.register(gc.freeze)
            QuickExitHooks._registered = True


def _release_arrow_memory() -> None:
    if "pyarrow" in sys.modules:  # nothing to hand back if Arrow was never used
        sys.modules["pyarrow"].default_memory_pool().release_unused()
