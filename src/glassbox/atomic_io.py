"""Atomic file writes: a file (or folder) appears whole or not at all, never half-written."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of ``target`` left by a writer that was killed (SIGKILL cannot be
    cleaned up after). One run holds a checkout at a time (glassbox.wiring.run_lock), so any
    temporary of the same target found now belongs to a dead run."""
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", **open_kwargs) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success, fsync it and rename it over ``path``.

    The rename is atomic on POSIX, so a crash or a raised exception leaves any earlier
    ``path`` untouched. The temporary file lives in the same folder so the rename never
    crosses file systems.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    # mkstemp creates the file private (0600); give it the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_name, 0o666 & ~umask)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


@contextmanager
def staged_path(target: str | os.PathLike, make_dir: bool = False) -> Iterator[Path]:
    """A temporary path beside ``target`` for a writer that takes a path, not a handle; on
    success it replaces ``target``, on failure it is removed.

    A file is fsynced and renamed over ``target`` (atomic). A folder (``make_dir``) replaces
    ``target`` with two renames: a crash between them leaves the old folder under a hidden
    name and none at ``target``, never a folder with some new and some old files.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    if make_dir:
        temp.mkdir()
    try:
        yield temp
        if temp.is_dir():
            old = temp.with_name(temp.name.replace(".tmp", ".old.tmp"))
            if target.exists():
                os.replace(target, old)
            os.replace(temp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            with open(temp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(temp, target)
    except BaseException:
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
        raise
