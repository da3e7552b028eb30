"""X_/y_ train and validation → the trained `model` and its `training_history`."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
