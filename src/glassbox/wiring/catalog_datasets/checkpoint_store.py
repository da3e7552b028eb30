"""Kedro dataset that hands the training loop its checkpoint store."""

from __future__ import annotations

from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset


class CheckpointStoreDataset(LocalFileDataset):
    """Gives a node a :class:`~glassbox.training.checkpoints.CheckpointStore` for resumable
    training.

    Loading returns the store (a handle on the file, which may not exist yet), not the
    checkpoint itself: the training loop decides whether a saved state fits its run.
    The file is scratch state, not a result: DVC does not track it (``dvc: untracked``).
    """

    def load(self):
        from glassbox.training.checkpoints import CheckpointStore

        return CheckpointStore(self._filepath)

    def save(self, data) -> None:
        raise NotImplementedError("checkpoints are written by the training loop, not by Kedro")

    def _exists(self) -> bool:
        return True  # the store exists even before its first checkpoint
