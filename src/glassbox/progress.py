"""Progress you can watch in a log: a line at a steady pace, not one per step.

A node that runs for minutes on a big table (training, the seed runs, tuning, the final
runs of a comparison) reports how far it is, the best value so far and an estimate of the
time left, at most every ``EVERY_SECONDS``; a short node (digits) never reaches the first
line, so its log stays one line per node. The estimate is the mean time per step so far
times the steps left (for training, an upper bound: early stopping may end it sooner).
Work of a few long steps that cannot count inside them (a scikit-learn fit) gets a
:class:`Heartbeat` instead: what it is doing now and for how long. And every node runs
under a :class:`QuietWatch` (glassbox.wiring.hooks): whatever it does, the log never stays
silent for more than 15 s while it runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

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


class Periodic:
    """``action()`` every ``seconds`` on a background thread while a block runs (a context
    manager): the lines below, and the studies' claim heartbeats (glassbox.compare.studies)."""

    def __init__(self, seconds: float, action: Callable[[], None]) -> None:
        self.seconds, self.action = seconds, action
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            self.action()

    def __enter__(self) -> Periodic:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class Heartbeat:
    """A line every ``every`` seconds while a block runs: ``what``, the step it is on (set
    with :meth:`doing`) and the time so far; nothing when the block ends sooner. For work
    of a few long steps, such as fitting five baselines of which a forest takes half a
    minute on a big table."""

    def __init__(self, what: str, every: float | None = None) -> None:
        self.what, self.now = what, ""
        self._beats = Periodic(EVERY_SECONDS if every is None else every, self._beat)

    def doing(self, now: str) -> None:
        self.now = now

    def _beat(self) -> None:
        doing = f": {self.now}" if self.now else ""
        so_far = _duration(time.perf_counter() - self.started)
        log.info("%s%s; %s so far", self.what, doing, so_far)

    def __enter__(self) -> Heartbeat:
        self.started = time.perf_counter()
        self._beats.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._beats.__exit__(*exc)


class QuietWatch(logging.Handler):
    """While a block runs, a line saying ``what`` is still running whenever nothing at all
    has been logged for ``every`` seconds (by default one and a half times the progress
    lines' pace): the last resort against a silent log, for work with no progress lines of
    its own. Where there are some, it says nothing."""

    def __init__(self, what: str, every: float | None = None) -> None:
        super().__init__()
        self.what, self.every = what, 1.5 * EVERY_SECONDS if every is None else every
        self.started = self.last = time.perf_counter()
        self._checks = Periodic(min(1.0, self.every / 4), self._check)

    def emit(self, record: logging.LogRecord) -> None:  # any line logged anywhere
        self.last = time.perf_counter()

    def _check(self) -> None:
        now = time.perf_counter()
        if now - self.last >= self.every:
            log.info("%s: still running, %s so far", self.what, _duration(now - self.started))

    def __enter__(self) -> QuietWatch:
        logging.getLogger().addHandler(self)
        self._checks.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._checks.__exit__(*exc)
        logging.getLogger().removeHandler(self)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"
