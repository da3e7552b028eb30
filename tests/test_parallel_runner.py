"""Kedro's ParallelRunner (each node in a process of its own; nodes, parameters and data
pickled across): the optimizer comparison gives the sequential runner's results."""

import json

import pytest

from tests.conftest import kedro_run, set_parameters

pytestmark = pytest.mark.e2e


def _without_timings(value):
    if isinstance(value, dict):
        return {
            k: _without_timings(v)
            for k, v in value.items()
            if "seconds" not in k and k not in {"text", "fastest_of_tied"}
        }
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def test_parallel_runner_gives_the_sequential_results(processed_project):
    set_parameters(
        processed_project,
        "optimizer_comparison",
        optimizers=["sgd", "adam"],
        seeds=[0, 1],
        trials_per_optimizer=2,  # tuned and final runs both cross processes; few of each
    )
    set_parameters(processed_project, "training", epochs=5)
    set_parameters(processed_project, "seed_runs", seeds=[])  # none to reuse: all trained here
    assert kedro_run(processed_project, "--pipelines", "seed_runs").returncode == 0
    summary = processed_project / "data/08_reporting/optimizer_comparison.json"
    results = {}
    for runner in ("SequentialRunner", "ParallelRunner"):
        result = kedro_run(
            processed_project, "--pipelines", "optimizer_comparison", "--runner", runner
        )
        assert result.returncode == 0, result.stderr[-3000:]
        results[runner] = json.loads(summary.read_text())
    sequential, parallel = (_without_timings(results[r]) for r in results)
    assert set(parallel["optimizers"]) == {"sgd", "adam"}
    assert parallel == sequential
