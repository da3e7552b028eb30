"""Raw table → validated, split, model-ready tables and the fitted preprocessor."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
