"""``glassbox.wiring.catalog_datasets.table.TableDataset``: a user's table, CSV or Parquet
by its suffix.

`raw_data` and `new_data` take their paths from conf/base/globals.yml, so that pointing
glassbox at another file is one edit there; the reader follows the file's suffix instead of
a dataset type the user would have to change too. Read-only: no run writes the inputs.
A `new_data` path of null means there are no rows to predict: loading gives None.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from kedro.io import AbstractDataset, DatasetError

READERS = {".csv": "CSVDataset", ".parquet": "ParquetDataset", ".pq": "ParquetDataset"}


class TableDataset(AbstractDataset):
    def __init__(
        self,
        *,
        filepath: str | None,
        load_args: dict[str, Any] | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.metadata = metadata
        self._filepath = filepath
        self._inner = None
        if filepath is None:
            return
        suffix = PurePosixPath(str(filepath)).suffix.lower()
        if suffix not in READERS:
            raise DatasetError(
                f"{filepath}: glassbox reads tables ending in {', '.join(READERS)}; for another "
                "format, give the entry a Kedro dataset type in conf/base/catalog.yml"
            )
        from kedro_datasets import pandas

        self._inner = getattr(pandas, READERS[suffix])(
            filepath=str(filepath), load_args=load_args, credentials=credentials, fs_args=fs_args
        )

    def load(self):
        return None if self._inner is None else self._inner.load()

    def save(self, data) -> None:
        raise DatasetError(f"{self._filepath} is an input: glassbox never writes it")

    def _exists(self) -> bool:
        return self._inner is not None and self._inner.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath}
