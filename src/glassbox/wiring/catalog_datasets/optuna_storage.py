"""Kedro dataset that hands the optimizer comparison the file its Optuna study lives in."""

from __future__ import annotations

from pathlib import Path

from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset


class OptunaJournalDataset(LocalFileDataset):
    """Loading gives the path of the study's journal file (which may not exist yet): the
    tuning appends each trial to it as it finishes (glassbox.compare.tuning), so a stopped
    run resumes from it. DVC leaves it alone (``dvc: untracked``), as it does the checkpoints."""

    def load(self) -> Path:
        return self._filepath

    def save(self, data) -> None:
        raise NotImplementedError("the study is written trial by trial by the tuning, not by Kedro")

    def _exists(self) -> bool:
        return True  # the store exists even before its first trial
