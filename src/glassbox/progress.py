"""Progress you can watch in a log: a line at a steady pace, not one per step.

A node that runs for minutes on a big table (training, the seed runs, tuning, the final
runs of a comparison) reports how far it is, the best value so far and an estimate of the
time left, at most every ``EVERY_SECONDS``; a short node (digits) never reaches the first
line, so its log stays one line per node. The estimate is the mean time per step so far
times the steps left (for training, an upper bound: early stopping may end it sooner).
"""

from __future__ import annotations

import logging
import time

EVERY_SECONDS = 10.0

log = logging.getLogger("glassbox.progress")


class Progress:
    """``what``: done / ``total`` ``unit``; call ``step`` after each one."""

    def __init__(
        self, what: str, total: int, unit: str, every: float | None = None, done: int = 0
    ) -> None:
        self.what, self.total, self.unit = what, total, unit
        self.every = EVERY_SECONDS if every is None else every
        self.done = self.first = done
        self.started = self.last = time.perf_counter()

    def step(self, done: int | None = None, best: str | None = None) -> str | None:
        """Count one step (or set the steps done); log and return a line when ``every``
        seconds have passed since the last one."""
        self.done = self.done + 1 if done is None else done
        now = time.perf_counter()
        if now - self.last < self.every or self.done >= self.total:
            return None
        self.last = now
        per_step = (now - self.started) / max(self.done - self.first, 1)
        line = f"{self.what}: {self.done}/{self.total} {self.unit}"
        if best:
            line += f", {best}"
        left = per_step * (self.total - self.done)
        line += f"; {_duration(now - self.started)} so far, about {_duration(left)} left"
        log.info("%s", line)
        return line


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"
