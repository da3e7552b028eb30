"""Kedro dataset for the fitted preprocessor."""

from __future__ import annotations

from glassbox.prepare.preprocessing import Preprocessor
from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset


class PreprocessorDataset(LocalFileDataset):
    """A fitted :class:`~glassbox.prepare.preprocessing.Preprocessor` stored as JSON, written
    atomically."""

    def load(self) -> Preprocessor:
        return Preprocessor.load(self._filepath)

    def save(self, data: Preprocessor) -> None:
        data.save(self._filepath)
