"""Kedro dataset for trained torch models."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset


class TorchModelDataset(AbstractDataset):
    """A trained ``torch.nn.Module``: weights and architecture in one safetensors file.

    Loading gives a ready model in eval mode; nothing is unpickled. torch is imported only
    when a model is actually loaded or saved.
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self.metadata = metadata

    def load(self):
        from glassbox.model_files import load_model

        return load_model(self._filepath)

    def save(self, data) -> None:
        from glassbox.model_files import save_model

        save_model(data, self._filepath)

    def _exists(self) -> bool:
        return Path(self._filepath).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
