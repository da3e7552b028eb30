"""How many CPU threads a glassbox process computes with: one, unless you choose otherwise.

Why one. PyTorch's OpenMP threads spin at a barrier after every operation. When another
busy process shares the cores (a second experiment, a notebook, a CI job), each of the
many tiny operations of a small model waits for a thread that is not running: one epoch
of the default MLP on digits took 613 ms with two threads beside a second small training
job, against 21 ms with one, and the optimizer comparison went from half a minute to over
20 minutes. On an idle machine a second thread gains little at these sizes (about 1.2x at
batch 256 on a 100-column table), and a passive wait policy, which stops the spinning,
costs more than that (two passive threads were slower than one active one). A count that
does not depend on the machine's load also keeps results bit for bit.

The policy is applied when glassbox is imported (``glassbox/__init__.py``), which every
glassbox process does before it loads PyTorch, NumPy or scikit-learn: ``kedro run`` (and so
``dvc repro``), the optimizer comparison's parallel workers, data-parallel workers, the
HTTP service and the benchmarks. It sets ``OMP_NUM_THREADS=1``, which PyTorch, MKL,
OpenBLAS and scikit-learn's OpenMP code all read when they load, and child processes inherit.

Your choice wins: with ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` in the environment
glassbox sets nothing, and glassbox never calls ``torch.set_num_threads``, so a call in your
own code stands. In a Python session that imported torch before glassbox, torch keeps its
own default (all cores) in that process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

# The variables that say how many threads the numeric libraries start; any one set is a choice.
USER_SETTINGS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
DEFAULT_THREADS = 1
# Where glassbox notes the value it set, so that a child process (which inherits the
# variable) can tell glassbox's default from a user's choice.
SET_BY_GLASSBOX = "GLASSBOX_SET_OMP_NUM_THREADS"

# Who decided this process's thread count: "glassbox", "environment" (the user's variables),
# or "torch already loaded" (glassbox came too late to set anything for this process).
decided_by: str | None = None


def _set_by_glassbox(environ: MutableMapping[str, str]) -> bool:
    value = environ.get("OMP_NUM_THREADS")
    return value is not None and value == environ.get(SET_BY_GLASSBOX)


def _users_choice(environ: MutableMapping[str, str]) -> bool:
    if environ.get("MKL_NUM_THREADS"):
        return True
    return bool(environ.get("OMP_NUM_THREADS")) and not _set_by_glassbox(environ)


def apply(environ: MutableMapping[str, str] = os.environ) -> str:
    """Set the default thread count in ``environ`` unless the user chose one; say who decided."""
    if _users_choice(environ):
        return "environment"
    # For this process and, inherited, its children.
    environ["OMP_NUM_THREADS"] = environ[SET_BY_GLASSBOX] = str(DEFAULT_THREADS)
    return "torch already loaded" if "torch" in sys.modules else "glassbox"


def without_glassbox_settings(environ: MutableMapping[str, str] = os.environ) -> dict[str, str]:
    """A copy of ``environ`` without the thread count glassbox set: the environment of a
    user's shell, for starting other programs as the user would."""
    env = dict(environ)
    if _set_by_glassbox(env):
        del env["OMP_NUM_THREADS"]
    env.pop(SET_BY_GLASSBOX, None)
    return env


def describe() -> str:
    """The thread count this process computes with, and where it comes from (for the log)."""
    import torch

    threads = torch.get_num_threads()
    plural = "thread" if threads == 1 else "threads"
    chosen = next(((n, os.environ[n]) for n in USER_SETTINGS if os.environ.get(n)), None)
    if decided_by == "glassbox" and threads == DEFAULT_THREADS:
        why = "glassbox's default, steady on a busy machine; set OMP_NUM_THREADS to change it"
    elif decided_by == "environment" and chosen and chosen[1] == str(threads):
        why = f"from {chosen[0]}={chosen[1]}"
    else:
        why = "set in this process (torch.set_num_threads, or torch loaded before glassbox)"
    return f"{threads} CPU {plural} ({why})"
