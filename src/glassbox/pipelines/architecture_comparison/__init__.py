"""Train each listed architecture once per seed; report which model suits the data."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
