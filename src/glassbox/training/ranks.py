"""Which process of a torchrun launch this is, from the environment torchrun sets.

Apart from glassbox.training.distributed so that Kedro's hooks can ask without importing PyTorch
(a second and a half at the start of every `kedro run`, most of which never train).
"""

from __future__ import annotations

import os


def launched_by_torchrun() -> bool:
    """True in a process that torchrun (or another elastic agent) started as a worker."""
    return "TORCHELASTIC_RUN_ID" in os.environ and "LOCAL_RANK" in os.environ


def is_writer() -> bool:
    """Whether this process writes outputs: always, except a torchrun worker whose local
    rank is not 0 (its model is the same as local rank 0's)."""
    return not launched_by_torchrun() or os.environ["LOCAL_RANK"] == "0"
