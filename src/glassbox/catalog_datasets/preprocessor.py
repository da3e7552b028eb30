"""Kedro dataset for the fitted preprocessor."""

from __future__ import annotations

from glassbox.catalog_datasets.local_file import LocalFileDataset
from glassbox.preprocessing import Preprocessor


class PreprocessorDataset(LocalFileDataset):
    """A fitted :class:`~glassbox.preprocessing.Preprocessor` stored as JSON, written atomically."""

    def load(self) -> Preprocessor:
        return Preprocessor.load(self._filepath)

    def save(self, data: Preprocessor) -> None:
        data.save(self._filepath)
