"""The trained model → torch.export and ONNX files, checked against it, and the model card."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
