"""Kedro's file datasets, writing atomically: each saves to a temporary path beside its
target and renames it into place, so a run killed mid-save leaves the previous file
whole (Kedro's own datasets write in place). Use them in the catalog wherever a pipeline
writes: ``type: glassbox.wiring.catalog_datasets.atomic.CSVDataset`` and so on. Object stores
(S3 and the like) already replace an object whole, so remote paths save as before."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io.core import get_filepath_str
from kedro_datasets.json import JSONDataset as _JSONDataset
from kedro_datasets.pandas import CSVDataset as _CSVDataset
from kedro_datasets.pandas import ParquetDataset as _ParquetDataset

from glassbox.atomic_io import staged_path


class _AtomicSave:
    """Mixin placed before a Kedro dataset class: redirects its save path to a staging path."""

    _staging: PurePosixPath | None = None

    def _writes_folder(self, data: Any) -> bool:
        return False

    def save(self, data: Any) -> None:
        # Kedro wraps each dataset's save (logging, error messages); call the unwrapped one.
        inner_save = super().save.__wrapped__  # type: ignore[misc]
        if self._protocol != "file":  # type: ignore[attr-defined]
            inner_save(self, data)
            return
        target = Path(get_filepath_str(super()._get_save_path(), self._protocol))  # type: ignore[misc,attr-defined]
        with staged_path(target, make_dir=self._writes_folder(data)) as temp:
            self._staging = PurePosixPath(temp)
            try:
                inner_save(self, data)
            finally:
                self._staging = None

    def _get_save_path(self) -> PurePosixPath:
        if self._staging is not None:
            return self._staging
        return super()._get_save_path()  # type: ignore[misc]


class CSVDataset(_AtomicSave, _CSVDataset):
    """``pandas.CSVDataset``, saved atomically."""


class ParquetDataset(_AtomicSave, _ParquetDataset):
    """``pandas.ParquetDataset``, saved atomically."""


class JSONDataset(_AtomicSave, _JSONDataset):
    """``json.JSONDataset``, saved atomically."""


def __getattr__(name: str) -> Any:
    # MatplotlibDataset lives in its own module: importing matplotlib takes 0.6 s, which
    # only the runs that save figures should pay (Kedro resolves types with getattr).
    if name == "MatplotlibDataset":
        from glassbox.wiring.catalog_datasets.atomic_figures import MatplotlibDataset

        return MatplotlibDataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
