"""Dynamic batching: the rows of concurrent requests go through the model as one batch.

Serving one row at a time pays PyTorch's per-call overhead once per request. As BentoML's
adaptive batching, Ray Serve's ``@serve.batch`` and TorchServe's batch aggregation do, a
request's rows wait in a queue; the first rows to arrive wait at most ``max_delay``
seconds for others, then everything queued (up to ``max_rows`` rows) runs through the
model in one call, on one worker thread, and each request gets its own rows' results
back. While a batch runs, the requests that arrive meanwhile queue up and run as the next
batch the moment it ends, so under load batches grow by themselves and the event loop
keeps reading, validating and answering requests. A lone request waits at most
``max_delay`` (one millisecond by default).

The model sees a batch's rows stacked in arrival order; every row's result is computed
from that row alone (the models here have no cross-row operation at inference: batch norm
uses its running statistics), so an answer equals the one-by-one answer up to float32
rounding (tested).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MAX_DELAY_SECONDS = 0.001
MAX_ROWS = 1024


class DynamicBatcher:
    """``await batcher(X)`` gives ``run(X)``'s results for ``X``'s rows, computed in one call
    of ``run`` together with the rows of other requests waiting at the same time. ``run``
    takes rows (a 2-D array) and returns, per row, its results: one array or a tuple of
    arrays whose first dimension is the rows."""

    def __init__(
        self,
        run: Callable[[np.ndarray], np.ndarray | tuple[np.ndarray, ...]],
        max_delay: float = MAX_DELAY_SECONDS,
        max_rows: int = MAX_ROWS,
    ) -> None:
        self.run, self.max_delay, self.max_rows = run, max_delay, max_rows
        self._waiting: list[tuple[np.ndarray, asyncio.Future]] = []
        self._rows = 0
        self._timer: asyncio.TimerHandle | None = None
        self._busy = False  # a batch is running on the worker thread
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="glassbox-batch")
        self.batches = 0  # how many calls of `run` so far (the tests read it)

    async def __call__(self, X: np.ndarray):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((X, future))
        self._rows += len(X)
        if not self._busy:
            if self._rows >= self.max_rows:
                self._start(loop)
            elif self._timer is None:
                self._timer = loop.call_later(self.max_delay, self._start, loop)
        return await future

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run everything waiting (up to ``max_rows`` rows, at least one request) as one
        batch on the worker thread."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._busy or not self._waiting:
            return
        taken, rows = [], 0
        while self._waiting and (not taken or rows + len(self._waiting[0][0]) <= self.max_rows):
            request = self._waiting.pop(0)
            taken.append(request)
            rows += len(request[0])
        self._rows -= rows
        self._busy = True
        self.batches += 1
        stacked = np.concatenate([X for X, _ in taken]) if len(taken) > 1 else taken[0][0]
        done = loop.run_in_executor(self._worker, self.run, stacked)
        done.add_done_callback(lambda result: self._finish(loop, taken, result))

    def _finish(self, loop, taken: list, result: asyncio.Future) -> None:
        self._busy = False
        error = result.exception()
        value = None if error is not None else result.result()
        start = 0
        for X, future in taken:
            rows = slice(start, start + len(X))
            start += len(X)
            if future.cancelled():  # the client went away
                continue
            if error is not None:
                future.set_exception(error)
            elif isinstance(value, tuple):
                future.set_result(tuple(part[rows] for part in value))
            else:
                future.set_result(value[rows])
        if self._waiting:  # arrived while the batch ran: they have waited long enough
            self._start(loop)

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
