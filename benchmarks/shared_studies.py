"""A comparison shared by two workers through PostgreSQL, against one worker: wall time.

Starts a PostgreSQL server on loopback (tests/postgres.py: the machine's PostgreSQL 15
binaries), prepares two checkouts of the project on digits (data and seed runs), and runs
one comparison (`kedro run --pipelines <name>`, its shipped settings, one process per
checkout) three ways, one after another:

- one worker: one checkout against an empty database;
- two workers: both checkouts at once against another empty database (standing in for
  two machines; on this machine they share its cores);
- for reference, one checkout as shipped: the project's journal file, `processes: 2`.

    python -m benchmarks.shared_studies [--pipeline optimizer_comparison]

Prints each case's wall time (from the start to the last worker's end) and the ratio one
worker / two workers, measured side by side in one run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import copy_project, kedro_run, set_parameters, start_cli, write_digits
from tests.postgres import postgres_server

OPTIONAL = ("optimizer_comparison", "architecture_comparison", "privacy_comparison")


def _prepare(folder: Path, pipeline: str) -> Path:
    project = copy_project(folder / "one")
    write_digits(project)
    set_parameters(project, "optional", **{name: name == pipeline for name in OPTIONAL})
    done = kedro_run(project, "--pipelines", "data_processing,seed_runs")
    if done.returncode != 0:
        sys.exit(f"preparing the project failed:\n{done.stderr[-3000:]}")
    return project


def _use(project: Path, pipeline: str, url: str | None, processes: int) -> None:
    credentials = project / "conf" / "local" / "credentials.yml"
    credentials.unlink(missing_ok=True)
    if url:
        credentials.write_text(f"study_storage:\n  url: {url}\n")
    set_parameters(project, pipeline, processes=processes)
    (project / "data" / "07_model_output" / "comparison_studies.journal").unlink(missing_ok=True)


def _run_at_once(projects: list[Path], pipeline: str) -> float:
    """Seconds from starting ``kedro run`` in every project to the last one's end."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "kedro", "run", "--pipelines", pipeline]
    runs = [start_cli(command, project) for project in projects]
    for run in runs:
        out, _ = run.communicate()
        if run.returncode != 0:
            sys.exit(f"a worker failed (exit {run.returncode}):\n{out[-3000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", default="optimizer_comparison", choices=OPTIONAL)
    pipeline = parser.parse_args().pipeline
    with tempfile.TemporaryDirectory() as folder, postgres_server() as server:
        first = _prepare(Path(folder), pipeline)
        second = shutil.copytree(first, Path(folder) / "two", symlinks=True)
        cases = {}
        _use(first, pipeline, server.database("one_worker"), processes=1)
        cases["one worker (PostgreSQL, 1 process)"] = _run_at_once([first], pipeline)
        url = server.database("two_workers")
        for project in (first, second):
            _use(project, pipeline, url, processes=1)
        cases["two workers at once (PostgreSQL, 1 process each)"] = _run_at_once(
            [first, second], pipeline
        )
        _use(first, pipeline, None, processes=2)
        cases["one checkout as shipped (journal file, processes: 2)"] = _run_at_once(
            [first], pipeline
        )
    print(f"{pipeline} on digits, its shipped settings; wall time of `kedro run`:")
    for name, seconds in cases.items():
        print(f"  {name:<55} {seconds:7.1f} s")
    one, two = list(cases.values())[:2]
    print(f"  one worker / two workers: {one / two:.2f}x")


if __name__ == "__main__":
    main()
