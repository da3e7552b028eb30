"""new_data, the saved preprocessor and model → `predictions` (labels and probabilities)."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
