"""Train the configured model once per optimizer and seed; report which optimizer suits the data."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
