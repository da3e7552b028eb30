"""Seed runs: trained once, reused by a reader whose run has the same settings and seed."""

import torch

from glassbox.training.params import TrainingParams
from glassbox.training.seed_runs import same_run, train_or_reuse, train_seed_runs
from glassbox.training.stacked import stacked_run
from glassbox.wiring.catalog_datasets.seed_runs import SeedRunsDataset
from tests.training.test_loop import blobs as small_data


def test_a_run_is_the_same_only_with_the_same_computation():
    base = stacked_run(TrainingParams(optimizer={"name": "adamw", "lr": None}), seed=3)
    explicit = base.model_copy(
        update={"optimizer": base.optimizer.model_copy(update={"lr": 0.001, "weight_decay": 0.01})}
    )
    assert same_run(base, explicit)  # the defaults, spelled out
    assert same_run(base, base.model_copy(update={"device": "cpu"}))  # where, not what
    assert not same_run(base, base.model_copy(update={"seed": 4}))
    assert not same_run(base, base.model_copy(update={"epochs": 7}))
    other_rate = base.optimizer.model_copy(update={"lr": 0.01})
    assert not same_run(base, base.model_copy(update={"optimizer": other_rate}))


def test_reused_runs_come_back_unchanged_and_only_the_rest_is_trained(tmp_path):
    data = small_data()
    training = TrainingParams(epochs=3, progress="never", early_stopping={"patience": None})
    done = train_seed_runs(data, training, [0, 1])
    stored = SeedRunsDataset(str(tmp_path / "seed_runs"))
    stored.save(done)
    loaded = stored.load()
    assert [r.settings.seed for r in loaded] == [0, 1]
    for before, after in zip(done, loaded, strict=True):
        assert same_run(before.settings, after.settings)
        assert before.history["val_loss"].tolist() == after.history["val_loss"].tolist()
        a, b = before.model.state_dict(), after.model.state_dict()
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)

    wanted = [stacked_run(training, seed=seed) for seed in (1, 2, 2)]
    results, reused, pruned = train_or_reuse(data, wanted, loaded)
    assert reused == [True, False, False]
    assert results[0][0] is loaded[1].model  # seed 1: the stored run itself
    assert len(results[1][1]) == 3  # seed 2: trained here, 3 epochs
    assert results[2][0] is results[1][0]  # asked twice, trained once
    assert pruned == {}  # no pruning rule given


def test_stored_runs_load_their_models_only_when_read(tmp_path):
    """A stage that takes the seed runs but never reads them (a comparison switched off)
    does not import PyTorch for them."""
    import subprocess
    import sys

    training = TrainingParams(epochs=2, progress="never", early_stopping={"patience": None})
    SeedRunsDataset(str(tmp_path / "runs")).save(train_seed_runs(small_data(), training, [0, 1]))
    check = (
        "import sys\n"
        "from glassbox.wiring.catalog_datasets.seed_runs import SeedRunsDataset\n"
        f"runs = SeedRunsDataset({str(tmp_path / 'runs')!r}).load()\n"
        "assert len(runs) == 2 and 'torch' not in sys.modules\n"
        "assert [run.settings.seed for run in runs] == [0, 1] and 'torch' in sys.modules\n"
        "assert runs[0] is runs[0] and runs[-1].settings.seed == 1 and len(runs[:1]) == 1\n"
    )
    found = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr[-2000:]
