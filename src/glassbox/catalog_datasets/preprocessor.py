"""Kedro dataset for the fitted preprocessor."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset

from glassbox.preprocessing import Preprocessor


class PreprocessorDataset(AbstractDataset[Preprocessor, Preprocessor]):
    """A fitted :class:`~glassbox.preprocessing.Preprocessor` stored as JSON, written atomically."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self.metadata = metadata

    def load(self) -> Preprocessor:
        return Preprocessor.load(self._filepath)

    def save(self, data: Preprocessor) -> None:
        data.save(self._filepath)

    def _exists(self) -> bool:
        return Path(self._filepath).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
