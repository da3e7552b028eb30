"""The comparisons' Optuna studies: each run once, studies that survive a stopped run (an
abandoned trial is queued again, nothing finished is repeated) and that several processes
share; the optimizer tuning's equal budgets and pruning."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from glassbox.compare import studies
from glassbox.compare.optimizer_comparison import learning_rate_grid, tuning_runs
from glassbox.compare.storage import StudyStorage
from glassbox.training.params import TrainingParams
from glassbox.training.stacked import stacked_run
from tests.training.test_loop import blobs

LR_RANGE = (1e-3, 1.0)


def test_the_grid_is_log_spaced_over_the_range_in_a_seeded_order():
    grid = learning_rate_grid(1e-4, 1.0, 5, seed=3)
    assert sorted(grid) == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert grid == learning_rate_grid(1e-4, 1.0, 5, seed=3)
    assert grid != sorted(grid) or grid != learning_rate_grid(1e-4, 1.0, 5, seed=4)
    assert learning_rate_grid(1e-4, 1.0, 1, seed=0) == pytest.approx([1e-2])


def _templates(epochs=6):
    base = TrainingParams(epochs=epochs, batch_size=32, progress="never")
    return {
        name: stacked_run(base, seed=0, optimizer=base.optimizer.model_copy(update={"name": name}))
        for name in ("sgd", "adam")
    }


def _plan(grid, data=None, rungs=(), epochs=6):
    data = data or blobs()
    runs = tuning_runs(_templates(epochs), grid)
    return studies.Plan(
        "tuning", data, data.X_val, data.y_val, runs, lr_range=LR_RANGE, rungs=rungs
    )


def _run(storage_path, grid, data=None, rungs=()):
    return studies.run_studies(_plan(grid, data, rungs), StudyStorage(None, storage_path))


def _results(found):
    return {
        name: [(t["index"], t["lr"], t["best_val_loss"], t["val_loss"]) for t in s["trials"]]
        for name, s in found.items()
    }


def test_every_optimizer_gets_exactly_its_trials_and_a_second_run_trains_none(tmp_path):
    grid = learning_rate_grid(*LR_RANGE, 3, seed=0)
    found = _run(tmp_path / "study.journal", grid)
    for study in found.values():
        assert [t["index"] for t in study["trials"]] == [0, 1, 2]
        assert [t["lr"] for t in study["trials"]] == pytest.approx(grid)
        for trial in study["trials"]:  # the trial's value is its run's best validation loss
            assert trial["best_val_loss"] == pytest.approx(min(trial["val_loss"]))
        assert study["abandoned_and_rerun"] == 0
    # The same configuration finds its finished study and trains nothing again.
    again = _run(tmp_path / "study.journal", grid)
    assert _results(again) == _results(found)
    # Another grid is another study, in the same file.
    other = _run(tmp_path / "study.journal", learning_rate_grid(*LR_RANGE, 2, seed=0))
    assert all(len(s["trials"]) == 2 for s in other.values())
    assert {s["study"] for s in other.values()}.isdisjoint(s["study"] for s in found.values())


def test_a_trial_abandoned_by_a_stopped_run_is_run_again_and_the_results_are_unchanged(
    tmp_path,
):
    """A process claims a study's trials and dies (its pid no longer exists): the next run
    marks them FAIL, queues their runs again and ends as an uninterrupted run does."""
    import optuna
    from optuna.trial import TrialState

    grid = learning_rate_grid(*LR_RANGE, 3, seed=0)
    rungs = [2]  # pruned, as by default: the rung's judgement is the same after the restart
    uninterrupted = _run(tmp_path / "straight.journal", grid, rungs=rungs)

    path = tmp_path / "stopped.journal"
    storage = StudyStorage(None, path).open()
    data = blobs()
    plan = _plan(grid, data, rungs)
    name = studies.study_name(plan, "adam", studies.data_digest(data, data.X_val, data.y_val))
    study = studies._open_study(storage, name, plan, "adam")
    claimed = [trial_id for trial_id, _ in studies._claim(storage, study)]  # the whole study
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    claim = {**studies._claim_record(), "pid": int(dead.stdout)}
    for trial_id in claimed:
        storage.set_trial_user_attr(trial_id, studies.CLAIM, claim)

    resumed = _run(path, grid, data, rungs)
    assert _results(resumed) == _results(uninterrupted)
    assert resumed["adam"]["abandoned_and_rerun"] == 3
    loaded = optuna.load_study(storage=storage, study_name=name)
    states = [t.state for t in loaded.get_trials(deepcopy=False)]
    assert states.count(TrialState.COMPLETE) == 1 and states.count(TrialState.FAIL) == 3
    assert states.count(TrialState.PRUNED) == 2  # ⌈3 / 3⌉ = 1 goes past the rung


def _best(trial, epochs):
    """A trial's best validation loss in its first ``epochs`` (diverged epochs: infinite)."""
    return min(float("inf") if v is None else v for v in trial["val_loss"][:epochs])


def test_pruning_stops_all_but_the_best_third_at_each_rung_with_the_same_rungs_for_all(
    tmp_path,
):
    """Five trials, rungs at epochs 2 and 4 (of 6): three stop at 2, one at 4, one trains
    to the end; those stopped were worse at their rung than every trial that went on."""
    from glassbox.compare.pruning import halving_rungs

    assert halving_rungs(50) == [6, 17] and halving_rungs(6) == [1, 2] and halving_rungs(1) == []
    grid = learning_rate_grid(*LR_RANGE, 5, seed=0)
    found = _run(tmp_path / "study.journal", grid, rungs=[2, 4])
    for study in found.values():
        trials = study["trials"]
        assert sorted(t.get("pruned_at", 0) for t in trials) == [0, 2, 2, 2, 4]
        for trial in trials:
            rung = trial.get("pruned_at")
            assert trial["epochs_trained"] == (rung or 6)
            if rung is None:
                continue
            for other in trials:  # everyone that went on was better at that rung
                if other.get("pruned_at", 99) > rung:
                    assert _best(other, rung) <= _best(trial, rung)
    again = _run(tmp_path / "study.journal", grid, rungs=[2, 4])  # a finished study: kept
    assert _results(again) == _results(found)
    unpruned = _run(tmp_path / "study.journal", grid)  # another pruning, another study
    assert {s["study"] for s in unpruned.values()}.isdisjoint(s["study"] for s in found.values())


SHARER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from glassbox.compare import studies
    from glassbox.compare.optimizer_comparison import learning_rate_grid
    from glassbox.compare.storage import StudyStorage
    from tests.compare.test_studies import _plan
    from tests.training.test_loop import blobs
    grid = learning_rate_grid(1e-3, 1.0, 8, seed=0)
    plan = _plan(grid, blobs(n=2000), epochs=25)
    found = studies.run_studies(plan, StudyStorage(None, Path(sys.argv[1])))
    print(json.dumps({n: [[t["index"], t["best_val_loss"]] for t in s["trials"]]
                      for n, s in found.items()}))
    """
)


def test_two_processes_share_one_study_and_each_trial_runs_once(tmp_path):
    import optuna
    from optuna.trial import TrialState

    path = tmp_path / "shared.journal"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", SHARER, str(path)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [json.loads(w.communicate(timeout=600)[0]) for w in workers]
    assert all(w.returncode == 0 for w in workers)
    assert outputs[0] == outputs[1]  # both see the whole study
    storage = StudyStorage(None, path).open()
    pids = set()
    for summary in optuna.get_all_study_summaries(storage):
        trials = optuna.load_study(storage=storage, study_name=summary.study_name).get_trials()
        assert [t.state for t in trials] == [TrialState.COMPLETE] * 8  # each run once
        assert sorted(t.user_attrs["index"] for t in trials) == list(range(8))
        pids |= {t.user_attrs[studies.CLAIM]["pid"] for t in trials}
    assert len(pids) == 2  # both processes trained some of them
    # SGD at the top of the range diverges: its value is infinite, not a number missing.
    values = [v for runs in outputs[0].values() for _, v in runs]
    assert np.isfinite(values).sum() >= len(values) - 2 and not np.isnan(values).any()


def test_a_study_whose_creator_stopped_while_enqueuing_is_topped_up(tmp_path):
    import optuna

    grid = learning_rate_grid(*LR_RANGE, 3, seed=0)
    storage = StudyStorage(None, tmp_path / "s.journal").open()
    data = blobs()
    plan = _plan(grid, data)
    digest = studies.data_digest(data, data.X_val, data.y_val)
    for name in plan.runs:  # only the first run made it in
        study = optuna.create_study(
            storage=storage, study_name=studies.study_name(plan, name, digest)
        )
        studies._enqueue(study, plan, name, [0])
    found = _run(tmp_path / "s.journal", grid, data)
    assert all([t["index"] for t in s["trials"]] == [0, 1, 2] for s in found.values())


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://me:hunter2@127.0.0.1:1/glassbox",  # pragma: allowlist secret
        "nosuchdatabase://somewhere/x",
    ],
)
def test_a_storage_that_cannot_be_opened_is_named_without_its_password(url, tmp_path):
    from glassbox.errors import InputDataError

    with pytest.raises(InputDataError, match="study_storage.url .*: cannot open") as err:
        StudyStorage(url, tmp_path / "unused.journal").open()
    assert "hunter2" not in str(err.value) and "sqlite:///study.db" in str(err.value)


def test_runs_that_cannot_stack_train_apart_and_a_run_trained_already_is_reused(tmp_path):
    """An architecture comparison's shape: a study per model (their runs cannot stack), one
    run equal to one trained already (a seed run) and taken from there, one asked twice."""
    from glassbox.training.loop import train
    from glassbox.training.seed_runs import TrainedRun
    from glassbox.training.stacked import train_stacked

    data = blobs()
    base = TrainingParams(epochs=4, batch_size=32, progress="never")
    resnet = TrainingParams(
        model={"name": "resnet", "width": 16, "depth": 1, "hidden_dropout": 0.0}  # no masks
    ).model
    runs = {
        "mlp": [stacked_run(base, seed=s) for s in (0, 1, 1)],
        "resnet": [stacked_run(base, seed=s, model=resnet) for s in (0, 1)],
    }
    [(model, history)] = train_stacked(data, [runs["mlp"][0]])
    done = [TrainedRun(runs["mlp"][0], model, history)]
    plan = studies.Plan("architectures", data, data.X_val, data.y_val, runs, done=done)
    found = studies.run_studies(plan, StudyStorage(None, tmp_path / "s.journal"))
    mlp, res = (studies.run_records(found[name]) for name in ("mlp", "resnet"))
    assert [r["reused"] for r in mlp + res] == [True, False, False, False, False]
    assert mlp[0]["best_val_loss"] == float(history["val_loss"].min())
    assert mlp[1] == mlp[2]  # the same run, trained once
    assert res[0]["parameters"] != mlp[0]["parameters"]
    alone = train(data, runs["resnet"][1])[1]  # stacked as one by one, to float rounding
    assert res[1]["val_loss"] == pytest.approx(alone["val_loss"].tolist(), abs=1e-5)


def test_the_storage_is_a_credentials_entry_that_a_fresh_clone_may_lack(tmp_path):
    """No credentials file: the journal; `study_storage: {url: ...}` in
    conf/local/credentials.yml: that database (other credentials kept); the old
    `optimizer_comparison.storage` parameter: refused, saying where the setting went."""
    from pydantic import ValidationError

    from glassbox.compare.params import OptimizerComparisonParams
    from glassbox.wiring.catalog_datasets.optuna_storage import StudyStorageDataset
    from glassbox.wiring.config_loader import ConfigLoader

    for env in ("base", "local"):
        (tmp_path / env).mkdir()
    loader = ConfigLoader(str(tmp_path), base_env="base", default_run_env="local")
    credentials = loader["credentials"]
    assert credentials == {"study_storage": {}}
    journal = tmp_path / "studies.journal"
    found = StudyStorageDataset(str(journal), credentials["study_storage"]).load()
    assert found == StudyStorage(None, journal)

    url = "postgresql://team@db.example.org/glassbox"
    (tmp_path / "local" / "credentials.yml").write_text(
        f"study_storage:\n  url: {url}\ns3_keys:\n  key: k\n"
    )
    credentials = loader["credentials"]
    assert credentials == {"study_storage": {"url": url}, "s3_keys": {"key": "k"}}
    assert StudyStorageDataset(str(journal), credentials["study_storage"]).load().url == url

    with pytest.raises(ValidationError, match="conf/local/credentials.yml"):
        OptimizerComparisonParams(storage=url)


def test_the_first_process_claims_about_half_of_the_runs_to_train_and_the_second_the_rest():
    from glassbox.compare.studies import studies_to_claim

    # The optimizer comparison's final runs on a large table: adam's and adamw's fewer to
    # train (runs reused from the seed runs, or asked twice).
    to_train = dict(sgd=9, momentum=9, nesterov=9, rmsprop=9, adagrad=9, adam=3, adamw=3)
    first = studies_to_claim(to_train, list(to_train))
    assert first == ["sgd", "momentum", "nesterov"]  # 27 of 51 (counting studies: 36)
    rest = [name for name in to_train if name not in first]
    assert studies_to_claim(to_train, rest) == rest  # one stack, nothing left for a third round
    tuning = dict.fromkeys(["sgd", "momentum", "nesterov", "rmsprop", "adagrad"], 5)
    assert len(studies_to_claim(tuning, list(tuning))) == 3  # 15 of 25
    assert studies_to_claim({"only": 9}, ["only"]) == ["only"]
    assert studies_to_claim(dict(a=0, b=0), ["a", "b"]) == ["a", "b"]  # all reused: one round
