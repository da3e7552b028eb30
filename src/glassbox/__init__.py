"""glassbox: an explainable, reproducible MLOps workflow built on Kedro, PyTorch, Captum and DVC."""

import os

from glassbox import thread_policy

# Both settings below act only if made before PyTorch and NumPy load; every glassbox process
# imports this package first.

# One CPU thread per process unless the user chose a number (glassbox/thread_policy.py says
# why: threads that spin at every barrier cost 100x on a machine busy with other work).
thread_policy.decided_by = thread_policy.apply()

# Same seed, same machine, same bits: by default Intel MKL (PyTorch's CPU BLAS here) may use
# fewer threads when the machine is busy, which changes the order of its floating-point
# sums, and may pick code paths by memory alignment. Fixing both makes training repeat
# bit for bit under load too. A user's own setting wins.
os.environ.setdefault("MKL_DYNAMIC", "FALSE")
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

__version__ = "0.1.0"
