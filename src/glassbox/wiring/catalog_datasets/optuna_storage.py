"""Kedro dataset that tells the comparisons where their Optuna studies live."""

from __future__ import annotations

from typing import Any

from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset


class StudyStorageDataset(LocalFileDataset):
    """Loading gives the comparisons' study storage (glassbox.compare.storage.StudyStorage):
    the database URL of the credentials entry (``study_storage: {url: ...}`` in
    conf/local/credentials.yml, so that several machines share the studies and no password
    reaches git or a command line), or without one the journal file at ``filepath``. The
    studies are written run by run as they finish, so a stopped run resumes from them; DVC
    leaves the journal alone (``dvc: untracked``), as it does the checkpoints."""

    def __init__(
        self,
        filepath: str,
        credentials: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(filepath, metadata)
        self._url = (credentials or {}).get("url")

    def load(self):
        from glassbox.compare.storage import StudyStorage

        return StudyStorage(self._url, self._filepath)

    def save(self, data) -> None:
        raise NotImplementedError("the studies are written run by run, not by Kedro")

    def _exists(self) -> bool:
        return True  # the store exists even before its first run
