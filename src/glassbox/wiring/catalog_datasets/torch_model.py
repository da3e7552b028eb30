"""Kedro dataset for trained torch models."""

from __future__ import annotations

from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset


class TorchModelDataset(LocalFileDataset):
    """A trained ``torch.nn.Module``: weights and architecture in one safetensors file.

    Loading gives a ready model in eval mode; nothing is unpickled. torch is imported only
    when a model is actually loaded or saved.
    """

    def load(self):
        from glassbox.training.model_files import load_model

        return load_model(self._filepath)

    def save(self, data) -> None:
        from glassbox.training.model_files import save_model

        save_model(data, self._filepath)
