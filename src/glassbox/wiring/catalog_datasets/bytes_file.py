"""Kedro dataset for a binary file held as bytes (exported models), written atomically."""

from __future__ import annotations

from glassbox.atomic_io import atomic_write
from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset


class BytesFileDataset(LocalFileDataset):
    def load(self) -> bytes:
        return self._filepath.read_bytes()

    def save(self, data: bytes) -> None:
        with atomic_write(self._filepath, "wb") as handle:
            handle.write(data)
