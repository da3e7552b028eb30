"""Kedro hooks: one run per checkout at a time, one writer per machine under torchrun, and
plain-words hints for common failures."""

from __future__ import annotations

import logging
import sys
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.io import MemoryDataset

from glassbox.ranks import is_writer
from glassbox.run_lock import RunLock

log = logging.getLogger(__name__)


def hint_for(error: BaseException) -> str | None:
    """A next step for failures whose own message names the symptom but not the fix."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, UnicodeDecodeError) or "codec can't decode" in str(error):
            return (
                "a data file is not UTF-8 text. Re-save it as UTF-8, or name its encoding in "
                "conf/base/catalog.yml, e.g. `load_args: {encoding: latin-1}` on raw_data."
            )
        error = error.__cause__ or error.__context__
    return None


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


def _release_arrow_memory() -> None:
    if "pyarrow" in sys.modules:  # nothing to hand back if Arrow was never used
        sys.modules["pyarrow"].default_memory_pool().release_unused()
