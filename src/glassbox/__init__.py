"""glassbox: an explainable, reproducible MLOps workflow built on Kedro, PyTorch, Captum and DVC."""

__version__ = "0.1.0"
