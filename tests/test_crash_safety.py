"""The workflow under `dvc repro` (the model, its evaluation, explanation, export and
predictions: `make run COMPARE=no`): deterministic from clean, and a run killed (SIGKILL)
at any stage loses nothing: the next `dvc repro` finishes with the same outputs as a run
never interrupted. (The optimizer comparison's study is killed and resumed in
tests/test_optimizer_study.py.)

Outputs are compared byte for byte, except wall-clock timings (training_history's
epoch_seconds and the summaries' *seconds* fields), which differ from run to run by nature;
the HTML reports, which print those timings, are checked for presence only; and the
torch.export archive, whose files are compared but not the random id PyTorch adds to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from benchmarks.make_run_stages import TARGETS

from tests.conftest import cli_env, copy_project, run_cli, set_parameters, small_comparisons

pytestmark = pytest.mark.e2e

CHECKPOINT = "data/06_models/checkpoints/training.pt"


def quick_project(target: Path) -> Path:
    project = copy_project(target)
    set_parameters(project, "training", epochs=40, checkpoint_every=2)
    small_comparisons(project)
    set_parameters(project, "explainability", max_rows=60)
    # A fixed date: the same tree committed twice gets the same commit id (the model card
    # names it). Only here: DVC's own experiment commits reject this date format.
    date = {"GIT_AUTHOR_DATE": "2026-01-01T00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00Z"}
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run_cli(args, project, env=date).returncode == 0
    return project


def _without_timings(value):
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if "seconds" not in k}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def outputs(project: Path) -> dict[str, object]:
    """Every pipeline output, in a form that is equal for equal results."""
    found = {}
    for path in sorted((project / "data").rglob("*")):
        rel = str(path.relative_to(project))
        if not path.is_file() or path.name in {".gitkeep", ".gitignore"} or "checkpoints" in rel:
            continue
        if rel.endswith(("summary.json", "comparison.json")) or (
            "seed_runs/" in rel and rel.endswith(".json")
        ):
            found[rel] = _without_timings(json.loads(path.read_text()))
        elif rel.endswith(".journal"):  # an Optuna study: its trials, not their timestamps
            found[rel] = study_trials(path)
        elif rel.endswith("training_history.csv"):
            found[rel] = pd.read_csv(path).drop(columns="epoch_seconds").to_csv(index=False)
        elif rel.endswith(".pt2"):  # a zip archive with a random id PyTorch writes into it
            with zipfile.ZipFile(path) as archive:
                found[rel] = {
                    n: archive.read(n)
                    for n in archive.namelist()
                    if not n.endswith("serialization_id")
                }
        elif rel.endswith(".html"):
            found[rel] = "a report (it prints timings; its numbers are the summaries')"
        else:
            found[rel] = path.read_bytes()
    return found


def study_trials(journal: Path) -> dict:
    """Per study in an Optuna journal file: each completed trial's index, learning rate and
    value."""
    import optuna

    from glassbox.evaluate.tuning import open_storage

    storage = open_storage(None, journal)
    return {
        summary.study_name: sorted(
            (t.user_attrs["index"], t.params["lr"], t.value)
            for t in optuna.load_study(storage=storage, study_name=summary.study_name).trials
            if t.state == optuna.trial.TrialState.COMPLETE
        )
        for summary in optuna.get_all_study_summaries(storage)
    }


def first_difference(a, b, path: str = "") -> str:
    """Where two outputs first differ (a JSON path, or the first differing byte)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}/{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    if isinstance(a, bytes) and isinstance(b, bytes):
        at = next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        return f"{path} byte {at} of {len(a)} / {len(b)}"
    return f"{path}: {str(a)[:80]!r} != {str(b)[:80]!r}"


def differences(now: dict, reference: dict) -> list[str]:
    return [
        f"{name}{first_difference(now[name], reference[name])}"
        for name in reference
        if now[name] != reference[name]
    ]


def repro_killed(project: Path, stage: str, ready: callable) -> None:
    """Start `dvc repro`, wait until ``stage`` runs and ``ready()`` holds, then SIGKILL DVC
    and the Kedro run under it (one process group), as a power cut or OOM kill would."""
    env = {**cli_env(project), "PYTHONUNBUFFERED": "1"}
    victim = subprocess.Popen(
        ["dvc", "repro", *TARGETS["no"]],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    for line in victim.stdout:
        if f"Running stage '{stage}'" in line:
            break
    while not ready() and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    still_running = victim.poll() is None
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    victim.stdout.close()
    assert still_running, f"dvc repro ended before it could be killed in stage {stage!r}"


def finished(project: Path) -> subprocess.CompletedProcess:
    result = run_cli(["dvc", "repro", *TARGETS["no"]], project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, object]:
    """The outputs of one uninterrupted `dvc repro` from clean."""
    project = quick_project(tmp_path_factory.mktemp("reference") / "project")
    finished(project)
    return outputs(project)


def test_two_runs_from_clean_give_identical_outputs(reference, tmp_path):
    project = quick_project(tmp_path / "project")
    finished(project)
    again = outputs(project)
    assert again.keys() == reference.keys()
    assert not differences(again, reference)
    for name in ("data/06_models/model.safetensors", "data/08_reporting/metrics.json"):
        assert name in reference

    # The model card names the commit and the DVC hashes of the data and model it describes.
    card = json.loads((project / "data/06_models/model_card.json").read_text())
    head = run_cli(["git", "rev-parse", "HEAD"], project).stdout.strip()
    assert card["revisions"]["git_commit"] == head
    assert card["revisions"]["git_tree_clean"] is True
    for path in ("data/01_raw/digits.csv", "data/06_models/model.safetensors"):
        md5 = hashlib.md5((project / path).read_bytes()).hexdigest()
        assert card["revisions"]["dvc_md5"][path] == md5, path
    assert card["export_check"]["onnx"]["max_abs_difference"] <= 1e-5


def test_killed_at_three_stages_then_rerun_gives_the_uninterrupted_outputs(reference, tmp_path):
    project = quick_project(tmp_path / "project")
    model_input = project / "data/05_model_input"
    # 1. while data_processing runs (as soon as its first output appears);
    repro_killed(project, "data_processing", lambda: any(model_input.glob("*.parquet")))
    # 2. in the middle of training (after a checkpoint);
    repro_killed(project, "training", lambda: (project / CHECKPOINT).exists())
    # 3. during explainability (after its stage has started, before it writes).
    started = time.monotonic()
    repro_killed(project, "explainability", lambda: time.monotonic() - started > 1.5)

    last = finished(project)
    assert "Running stage 'explainability'" in last.stdout
    now = outputs(project)
    assert now.keys() == reference.keys()
    assert not differences(now, reference)
    leftovers = [p.name for p in (project / "data").rglob("*.tmp")]
    assert not leftovers, leftovers
