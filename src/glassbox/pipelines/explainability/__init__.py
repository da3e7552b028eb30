"""model + test split → explainability report (HTML) and summary (JSON)."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
