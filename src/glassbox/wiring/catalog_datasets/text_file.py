"""Kedro dataset for a text document (Markdown, HTML) held as a string, written atomically."""

from __future__ import annotations

from glassbox.atomic_io import atomic_write
from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset


class TextFileDataset(LocalFileDataset):
    def load(self) -> str:
        return self._filepath.read_text(encoding="utf-8")

    def save(self, data: str) -> None:
        with atomic_write(self._filepath, "w", encoding="utf-8") as handle:
            handle.write(data)
