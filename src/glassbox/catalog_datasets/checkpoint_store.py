"""Kedro dataset that hands the training loop its checkpoint store."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset


class CheckpointStoreDataset(AbstractDataset):
    """Gives a node a :class:`~glassbox.checkpoints.CheckpointStore` for resumable training.

    Loading returns the store (a handle on the file, which may not exist yet), not the
    checkpoint itself: the training loop decides whether a saved state fits its run.
    The file is scratch state, not a result: DVC does not track it (``dvc: untracked``).
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = PurePosixPath(filepath)
        self.metadata = metadata

    def load(self):
        from glassbox.checkpoints import CheckpointStore

        return CheckpointStore(Path(self._filepath))

    def save(self, data) -> None:
        raise NotImplementedError("checkpoints are written by the training loop, not by Kedro")

    def _exists(self) -> bool:
        return True

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
