"""Kedro dataset for a self-contained HTML report, written atomically."""

from __future__ import annotations

from glassbox.atomic_io import atomic_write
from glassbox.catalog_datasets.local_file import LocalFileDataset


class HtmlFileDataset(LocalFileDataset):
    """An HTML document held as a string."""

    def load(self) -> str:
        return self._filepath.read_text(encoding="utf-8")

    def save(self, data: str) -> None:
        with atomic_write(self._filepath, "w", encoding="utf-8") as handle:
            handle.write(data)
