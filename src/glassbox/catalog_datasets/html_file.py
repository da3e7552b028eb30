"""Kedro dataset for a self-contained HTML report, written atomically."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset

from glassbox.atomic_io import atomic_write


class HtmlFileDataset(AbstractDataset[str, str]):
    """An HTML document held as a string."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self.metadata = metadata

    def load(self) -> str:
        return Path(self._filepath).read_text(encoding="utf-8")

    def save(self, data: str) -> None:
        with atomic_write(self._filepath, "w", encoding="utf-8") as handle:
            handle.write(data)

    def _exists(self) -> bool:
        return Path(self._filepath).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
