"""model + test split → metrics beside baselines, tables for DVC plots, and figures."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
