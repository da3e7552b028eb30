"""Kedro dataset for the seed runs (glassbox.training.seed_runs): one folder, per run a
safetensors file (weights and architecture) and a JSON file (settings and history), and
`runs.json` listing the runs' seeds in order (so the folder is never empty: DVC warns about
an empty output)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from glassbox.atomic_io import staged_path
from glassbox.wiring.catalog_datasets.local_file import LocalFileDataset

INDEX = "runs.json"


class StoredRuns(Sequence):
    """The stored runs as a read-only list of ``TrainedRun`` whose models load when a run
    is first read: a node that never reads them (a comparison switched off) does not
    import PyTorch for them, and its stage ends in about a second."""

    def __init__(self, folder: Path, seeds: list[int]) -> None:
        self._folder, self._seeds = folder, list(seeds)
        self._loaded: dict[int, object] = {}

    def __len__(self) -> int:
        return len(self._seeds)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        seed = self._seeds[index]
        if seed not in self._loaded:
            self._loaded[seed] = self._load(seed)
        return self._loaded[seed]

    def _load(self, seed: int):
        import pandas as pd

        from glassbox.training.model_files import load_model
        from glassbox.training.params import TrainingParams
        from glassbox.training.seed_runs import TrainedRun

        record = self._folder / f"seed_{seed}.json"
        found = json.loads(record.read_text(encoding="utf-8"))
        return TrainedRun(
            TrainingParams.model_validate(found["settings"]),
            load_model(record.with_suffix(".safetensors")),
            pd.DataFrame(found["history"]),
        )


class SeedRunsDataset(LocalFileDataset):
    """A list of ``TrainedRun``; saving replaces the folder as a whole. Nothing is unpickled."""

    def _exists(self) -> bool:
        return self._filepath.is_dir()

    def load(self) -> StoredRuns:
        from glassbox.errors import InputDataError

        index = self._filepath / INDEX
        if not index.is_file():
            raise InputDataError(
                f"{self._filepath} holds no seed runs ({INDEX} is missing): run the seed_runs "
                "pipeline first (`kedro run --pipelines seed_runs`; `dvc repro` and `make "
                "run` do it for you)"
            )
        return StoredRuns(self._filepath, json.loads(index.read_text(encoding="utf-8"))["seeds"])

    def save(self, data: list) -> None:
        from glassbox.training.model_files import save_model

        with staged_path(self._filepath, make_dir=True) as folder:
            for run in data:
                name = f"seed_{run.settings.seed}"
                save_model(run.model, folder / f"{name}.safetensors")
                record = {
                    "settings": run.settings.model_dump(mode="json"),
                    "history": run.history.to_dict(orient="list"),
                }
                (folder / f"{name}.json").write_text(json.dumps(record, indent=1), "utf-8")
            seeds = [run.settings.seed for run in data]
            (folder / INDEX).write_text(json.dumps({"seeds": seeds}), "utf-8")
