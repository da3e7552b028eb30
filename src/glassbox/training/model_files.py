"""Saving and loading trained models without pickle.

One ``.safetensors`` file holds the weights and, in its metadata, the architecture as JSON,
so loading rebuilds the model by name (see ``glassbox.training.architectures``) and fills in
the weights.
The metadata is a single key: safetensors writes its metadata map in no fixed order, and
one key keeps the file byte-for-byte reproducible.
"""

from __future__ import annotations

import json
from pathlib import Path

from torch import nn

from glassbox.atomic_io import atomic_write
from glassbox.errors import InputDataError
from glassbox.training.architectures import build_model

FORMAT = "glassbox-model/1"


def save_model(model: nn.Module, path: str | Path) -> None:
    from safetensors.torch import save

    architecture = getattr(model, "architecture", None)
    if architecture is None:
        raise TypeError(
            "only models built by glassbox.training.architectures (with an .architecture) "
            "can be saved"
        )
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    header = {"format": FORMAT, "architecture": architecture}
    metadata = {"glassbox": json.dumps(header, sort_keys=True)}
    with atomic_write(path, "wb") as handle:
        handle.write(save(tensors, metadata=metadata))


def load_model(path: str | Path) -> nn.Module:
    """A ready model in eval mode; a corrupt file or one of another architecture fails clearly."""
    from safetensors import safe_open

    path = Path(path)
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
            tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    except FileNotFoundError:
        raise
    except Exception as err:  # safetensors raises its own error types for damaged files
        raise InputDataError(
            f"model file {path} is not a readable safetensors file: {err}"
        ) from None
    try:
        header = json.loads(metadata["glassbox"])
        fmt = header["format"]
    except (KeyError, TypeError, json.JSONDecodeError):
        header, fmt = {}, None
    if fmt != FORMAT:
        raise InputDataError(
            f"model file {path} was not written by glassbox (format {fmt!r}, expected {FORMAT!r})"
        )
    model = build_model(header["architecture"])
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as err:
        raise InputDataError(
            f"model file {path} does not match its declared architecture: {err}"
        ) from None
    return model.eval()
