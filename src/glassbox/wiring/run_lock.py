"""One run at a time per checkout: two runs writing the same outputs would interleave them.

An exclusive ``flock`` on a file in the project root. The kernel releases it when the
process ends, however it ends (SIGKILL included), so a crashed run never leaves a stale
lock behind. The holder writes its pid and command into the file, so the run that is
turned away can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from glassbox.errors import RunLockedError

__all__ = ["RunLock", "RunLockedError"]

LOCK_NAME = ".glassbox-run.lock"


class RunLock:
    def __init__(self, project_path: str | Path) -> None:
        self.path = Path(project_path) / LOCK_NAME
        self._handle = None

    def acquire(self) -> None:
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise RunLockedError(
                f"another run is writing this checkout's outputs ({holder}; lock file "
                f"{self.path}). Wait for it to finish, or stop it, then run again."
            ) from None
        handle.seek(0)
        handle.truncate()
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        handle.write(f"pid {os.getpid()}, `{' '.join(sys.argv)}`, started {started}")
        handle.flush()
        self._handle = handle

    def last_holder(self) -> str:
        """What the latest holder wrote ("pid N, `command`, started ..."), read without
        touching the lock: a probe that took the lock, even for an instant, could turn
        away the run it is watching for. Empty when no run has held it yet."""
        try:
            return self.path.read_text()
        except FileNotFoundError:
            return ""

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the descriptor drops the flock
            self._handle = None
