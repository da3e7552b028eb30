import subprocess
import sys

import pytest

from glassbox.errors import hint_for
from glassbox.wiring.run_lock import RunLock, RunLockedError


def test_a_second_lock_on_the_same_checkout_is_refused_and_names_the_holder(tmp_path):
    first = RunLock(tmp_path)
    first.acquire()
    try:
        with pytest.raises(RunLockedError, match=r"another run is writing .*\(pid \d+, `"):
            RunLock(tmp_path).acquire()
    finally:
        first.release()
    again = RunLock(tmp_path)
    again.acquire()  # free once released
    again.release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from glassbox.wiring.run_lock import RunLock; "
            f"lock = RunLock({str(tmp_path)!r}); lock.acquire(); "
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(RunLockedError):
        RunLock(tmp_path).acquire()
    holder.kill()
    holder.wait()
    lock = RunLock(tmp_path)
    lock.acquire()
    lock.release()


def test_a_decoding_error_gets_an_encoding_hint_through_wrapped_errors():
    try:
        try:
            b"\xff".decode("utf-8")
        except UnicodeDecodeError as err:
            raise RuntimeError("Failed while loading data from dataset") from err
    except RuntimeError as wrapped:
        assert "load_args: {encoding: latin-1}" in hint_for(wrapped)
    assert hint_for(ValueError("something else")) is None
