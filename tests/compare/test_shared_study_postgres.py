"""The comparisons' studies shared through a real PostgreSQL server (tests/postgres.py), as
machines share them (docs/scale.md): worker processes that run the same studies at once, one
SIGKILLed mid-trial, one joining late; the architecture and privacy comparisons by two
workers. Each run trains once, the completed trials are exactly the runs, and every worker
ends with the same results."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from glassbox.compare import studies
from glassbox.compare.storage import StudyStorage
from tests.postgres import postgres_server

pytestmark = pytest.mark.e2e

POINTS = 6  # learning rates per optimizer (two optimizers: 12 trials)

# One worker: the studies of tests/compare/test_studies.py's two optimizers on a small
# table, through the storage URL it is given; prints each optimizer's trials (index, value).
WORKER = textwrap.dedent(
    f"""
    import json, sys
    from glassbox.compare import studies
    from glassbox.compare.optimizer_comparison import learning_rate_grid
    from glassbox.compare.storage import StudyStorage
    from tests.compare.test_studies import _plan, LR_RANGE
    from tests.training.test_loop import blobs
    grid = learning_rate_grid(*LR_RANGE, {POINTS}, seed=0)
    plan = _plan(grid, blobs(n=2000), epochs=int(sys.argv[2]))
    found = studies.run_studies(plan, StudyStorage(sys.argv[1]))
    print(json.dumps({{n: [[t["index"], t["best_val_loss"]] for t in s["trials"]]
                      for n, s in found.items()}}))
    """
)


@pytest.fixture(scope="module")
def server():
    with postgres_server() as running:
        yield running


def _worker(url: str, epochs: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, str(epochs)], stdout=subprocess.PIPE, text=True
    )


def _finish(worker: subprocess.Popen) -> dict:
    out, _ = worker.communicate(timeout=600)
    assert worker.returncode == 0
    return json.loads(out)


def _trials(url: str) -> dict[str, list]:
    """Every trial of every study in the database, by study."""
    import optuna

    storage = StudyStorage(url).open()
    return {
        summary.study_name: optuna.load_study(
            storage=storage, study_name=summary.study_name
        ).get_trials()
        for summary in optuna.get_all_study_summaries(storage)
    }


def _completed_once(url: str) -> set[int]:
    """Asserts that each grid point completed exactly once in every study; returns the
    process ids that trained them."""
    from optuna.trial import TrialState

    pids = set()
    found = _trials(url)
    assert len(found) == 2
    for trials in found.values():
        done = [t for t in trials if t.state == TrialState.COMPLETE]
        assert sorted(t.user_attrs["index"] for t in done) == list(range(POINTS))
        pids |= {t.user_attrs[studies.CLAIM]["pid"] for t in done}
    return pids


def _wait_for(condition, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_two_workers_share_one_study_on_postgresql_and_each_trial_trains_once(server):
    url = server.database("two_workers")
    workers = [_worker(url, 10) for _ in range(2)]
    first, second = (_finish(w) for w in workers)
    assert first == second  # both end with the whole study
    assert len(_completed_once(url)) == 2  # both trained some of it
    alone = server.database("one_worker")
    assert _finish(_worker(alone, 10)) == first  # the same study as one worker's


def _running(url: str, pid: int) -> bool:
    """Whether ``pid`` is training trials it has claimed, every one of them recorded as its
    (a trial claimed but not yet recorded counts as alive until its claim goes stale, two
    minutes: killed in that instant, a worker would keep the others waiting that long)."""
    from optuna.trial import TrialState

    running = [
        t for trials in _trials(url).values() for t in trials if t.state == TrialState.RUNNING
    ]
    return bool(running) and all(
        t.user_attrs.get(studies.CLAIM, {}).get("pid") == pid for t in running
    )


def test_a_worker_killed_mid_trial_leaves_its_trials_to_the_others(server):
    from optuna.trial import TrialState

    url = server.database("killed_worker")
    victim = _worker(url, 60)  # trials long enough to be killed in
    _wait_for(lambda: _running(url, victim.pid))
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    survivor = _worker(url, 60)
    found = _finish(survivor)
    assert survivor.pid in _completed_once(url)
    abandoned = [t for ts in _trials(url).values() for t in ts if t.state == TrialState.FAIL]
    assert abandoned and all(t.user_attrs[studies.CLAIM]["pid"] == victim.pid for t in abandoned)
    assert all(len(trials) == POINTS for trials in found.values())


def test_a_worker_that_joins_late_takes_a_share(server):
    url = server.database("late_joiner")
    early = _worker(url, 40)

    _wait_for(lambda: _running(url, early.pid))  # the early one is training its first study
    late = _worker(url, 40)
    results = [_finish(early), _finish(late)]
    assert results[0] == results[1]
    assert _completed_once(url) == {early.pid, late.pid}


COMPARISONS = ("optimizer_comparison", "architecture_comparison", "privacy_comparison")


def _checkout(folder) -> Path:
    """A project prepared on digits (data and seed runs) with every comparison switched on
    at a small size, each run by one process."""
    from tests.conftest import copy_project, kedro_run, set_parameters, write_digits

    project = copy_project(folder / "one")
    write_digits(project)
    set_parameters(project, "optional", **dict.fromkeys(COMPARISONS, True))
    set_parameters(project, "training", epochs=4)
    set_parameters(project, "seed_runs", seeds=[0, 5])  # seed 0: reused by the comparisons
    set_parameters(
        project,
        "optimizer_comparison",
        optimizers=["sgd", "adam"],
        seeds=[0, 1],
        trials_per_optimizer=2,
        epochs=4,
        processes=1,
    )
    set_parameters(
        project,
        "architecture_comparison",
        architectures=["mlp", "resnet"],
        seeds=[0, 1],
        processes=1,
    )
    set_parameters(
        project,
        "privacy_comparison",
        epsilons=[None, 8.0],
        clip_only=False,
        seeds=[0, 1],
        epochs=2,
        explained_rows=10,
        processes=1,
    )
    prepared = kedro_run(project, "--pipelines", "data_processing,seed_runs")
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    return project


def test_two_checkouts_share_every_comparison_through_the_credentials_entry(server, tmp_path):
    """Two checkouts (two machines) with `study_storage` in conf/local/credentials.yml run
    the three comparisons at once: every run is trained once in the shared database, both
    write the same reports, and neither shows the password or writes a journal file."""
    import shutil

    from optuna.trial import TrialState

    from tests.conftest import start_cli
    from tests.reproducible import without_timings

    first = _checkout(tmp_path)
    second = shutil.copytree(first, tmp_path / "two", symlinks=True)
    url = server.database("checkouts").replace("//glassbox@", "//glassbox:s3cret@")
    for project in (first, second):
        credentials = project / "conf" / "local" / "credentials.yml"
        credentials.write_text(f"study_storage:\n  url: {url}\n")
    command = [sys.executable, "-m", "kedro", "run", "--pipelines", ",".join(COMPARISONS)]
    runs = [start_cli(command, project) for project in (first, second)]
    logs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], logs[0][-3000:] + logs[1][-3000:]
    for name in COMPARISONS:
        reports = [
            without_timings(json.loads((p / f"data/08_reporting/{name}.json").read_text()))
            for p in (first, second)
        ]
        assert reports[0] == reports[1], name
    # Each run trained once: per study exactly its runs finished, none twice, none failed.
    expected = {"optimizer-tuning": 2, "optimizer-comparison": 3, "architecture": 2}
    expected["privacy-comparison"] = 2
    found = _trials(url.replace(":s3cret", ""))
    assert len(found) == 2 + 2 + 2 + 2
    for study, trials in found.items():
        size = next(n for key, n in expected.items() if f"-{key}" in study)
        finished = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
        assert sorted(t.user_attrs["index"] for t in finished) == list(range(size)), study
        assert len(trials) == size  # nothing failed, nothing ran twice
    for project, log in zip((first, second), logs, strict=True):
        assert "s3cret" not in log and "glassbox:***@" in log
        assert not (project / "data/07_model_output/comparison_studies.journal").exists()
    mlp = json.loads((first / "data/08_reporting/architecture_comparison.json").read_text())
    assert [r["reused"] for r in mlp["architectures"]["mlp"]["runs"]] == [True, False]
