"""glassbox: an explainable, reproducible MLOps workflow built on Kedro, PyTorch, Captum and DVC."""

import os

# Same seed, same machine, same bits: by default Intel MKL (PyTorch's CPU BLAS here) may use
# fewer threads when the machine is busy, which changes the order of its floating-point
# sums, and may pick code paths by memory alignment. Fixing both makes training repeat
# bit for bit under load too. Set before torch is imported; a user's own setting wins.
os.environ.setdefault("MKL_DYNAMIC", "FALSE")
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

__version__ = "0.1.0"
