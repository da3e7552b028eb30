"""The configured model retrained with other seeds: read by the explanation stability
check, and reused by the comparisons for the runs they share."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
