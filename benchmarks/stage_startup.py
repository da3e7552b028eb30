"""How long each stage's process takes before its first node (Python, Kedro, the project's
settings and checks, the modules its pipeline imports) and after its last log line (the
process's exit).

    python -m benchmarks.stage_startup [--repeats 3]

Runs `kedro run --pipelines <stage>` in this project (after `make run`, so that every
input exists) and times the moment its log says "kedro run <stage>: N nodes", which the
project's hook writes just before the first node; the median of ``--repeats`` runs per
stage. For the modules behind a slow start: `python -X importtime -m kedro run
--pipelines <stage> 2> imports.txt`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def first_line_seconds(stage: str) -> tuple[float, float, float]:
    """Seconds to the stage's first log line, from its last line to its end, and in all."""
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "kedro", "run", "--pipelines", stage],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as run:
        first = last = None
        for line in run.stdout:
            last = time.perf_counter()
            if first is None and f"kedro run {stage}:" in line:
                first = last - started
    if run.returncode != 0 or first is None:
        sys.exit(f"kedro run --pipelines {stage} failed: run `make run` first")
    ended = time.perf_counter()
    return first, ended - last, ended - started


def kedro_stages() -> list[str]:
    """The stages of dvc.yaml that are a `kedro run`, in its order."""
    import yaml

    stages = yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]
    prefix = "kedro run --pipelines "
    return [s["cmd"][len(prefix) :] for s in stages.values() if s["cmd"].startswith(prefix)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    print("| stage | seconds to the first node | seconds to exit | seconds in all |")  # noqa: T201
    print("| --- | --- | --- | --- |")  # noqa: T201
    for stage in kedro_stages():
        runs = [first_line_seconds(stage) for _ in range(options.repeats)]
        first, exit_, total = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"| `{stage}` | {first:.2f} | {exit_:.2f} | {total:.2f} |")  # noqa: T201


if __name__ == "__main__":
    main()
