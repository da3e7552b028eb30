"""Train the configured model at each privacy budget; report what privacy costs and what a
membership-inference attack finds."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
