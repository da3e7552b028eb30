"""Explanations: attribution methods, their trust checks, and the explainability report."""
