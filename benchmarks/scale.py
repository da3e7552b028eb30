"""How glassbox scales with rows: wall time and peak memory per stage, and DDP throughput.

For each size (default 10k, 100k and 1M rows of 100 features), in a temporary copy of the
project: writes a synthetic table (glassbox.prepare.synthetic) and points raw_data at it
(Parquet), then runs `kedro run --pipelines <stage>` for data_processing, training,
evaluation and explainability (on a sample of rows), each in its own process, and reports
its wall time and peak resident memory (the process's own, from wait4). Peak memory is set
beside the raw table's size in memory (pandas, deep), which it must stay under 4x of.
Then the log-log slope of total time against rows (target: at most 1.1), and training
throughput with 1 and with 2 data-parallel processes (`training.distributed`).

    .venv/bin/python -m benchmarks.scale [--rows 10000 100000 1000000] [--ddp-rows 100000]

The settings a large table needs are the ones below in SETTINGS (also in the README).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from glassbox.prepare.synthetic import TARGET, write_synthetic_parquet

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STAGES = ("data_processing", "training", "seed_runs", "evaluation", "explainability")
RAW = "data/01_raw/synthetic.parquet"
# Read Parquet column by column, freeing Arrow's copy as pandas takes each over: the
# default read holds the file's buffers, Arrow's table and pandas' frame at once (3.3x the
# table at its peak at 1M rows, against 1.8x this way).
LOAD = {"pre_buffer": False, "to_pandas_kwargs": {"self_destruct": True, "split_blocks": True}}
SETTINGS = {
    "data_processing": {"target": TARGET, "image_shape": None},
    # A fixed number of epochs, so that time per row is comparable across sizes.
    "training": {
        "epochs": 3,
        "batch_size": 256,
        "early_stopping": {"patience": None},
        "checkpoint_every": 1,
        "progress": "never",
    },
    "evaluation": {"baseline_rows": 20_000},
    "explainability": {"max_rows": 500},
}


def scale_project(folder: Path, rows: int) -> Path:
    """A project copy whose raw_data is ``rows`` synthetic rows, with SETTINGS applied."""
    project = folder / f"rows_{rows}"
    shutil.copytree(
        PROJECT_ROOT,
        project,
        ignore=shutil.ignore_patterns(".venv", ".git", "data", "*.egg-info", "__pycache__"),
    )
    for sub in ("01_raw", "05_model_input", "06_models", "07_model_output", "08_reporting"):
        (project / "data" / sub).mkdir(parents=True, exist_ok=True)
    write_synthetic_parquet(project / RAW, rows)
    catalog = project / "conf/base/catalog.yml"
    entries = yaml.safe_load(catalog.read_text())
    entries["raw_data"] = {"type": "pandas.ParquetDataset", "filepath": RAW, "load_args": LOAD}
    catalog.write_text(yaml.safe_dump(entries, sort_keys=False))
    for pipeline, values in SETTINGS.items():
        path = project / f"conf/base/parameters_{pipeline}.yml"
        params = yaml.safe_load(path.read_text())
        _merge(params[pipeline], values)
        path.write_text(yaml.safe_dump(params, sort_keys=False))
    return project


def _merge(into: dict, values: dict) -> None:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def env_for(project: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(project / "src"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def run_stage(project: Path, pipeline: str, *extra: str) -> tuple[float, int]:
    """Wall seconds and peak RSS in bytes of one `kedro run --pipelines <pipeline>`."""
    args = [sys.executable, "-m", "kedro", "run", "--pipelines", pipeline, *extra]
    log = project / f"{pipeline}.log"
    start = time.perf_counter()
    with open(log, "w") as out:
        process = subprocess.Popen(args, cwd=project, env=env_for(project), stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{pipeline} failed on {project.name}; its log:\n{log.read_text()[-3000:]}")
    return seconds, usage.ru_maxrss * 1024  # Linux reports kilobytes


def raw_table_bytes(project: Path) -> int:
    """The raw table's size in pandas (deep), measured in a process of its own: a child
    process inherits its parent's peak memory (Linux's ru_maxrss), so this one must never
    hold a large table."""
    code = (
        "import sys, pandas as pd; "
        "print(int(pd.read_parquet(sys.argv[1]).memory_usage(deep=True).sum()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(project / RAW)], capture_output=True, text=True
    )
    return int(result.stdout)


def training_throughput(project: Path, processes: int) -> float:
    """Training rows per second over the epochs (from training_history, so without start-up)."""
    override = f"training.distributed.nproc_per_node={processes}"
    run_stage(project, "training", "--params", override)
    history = pd.read_csv(project / "data/08_reporting/training_history.csv")
    rows = len(pd.read_parquet(project / "data/05_model_input/y_train.parquet"))
    return rows * len(history) / history["epoch_seconds"].sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--ddp-rows", type=int, default=100_000)
    args = parser.parse_args()

    totals = {}
    with tempfile.TemporaryDirectory(prefix="glassbox-scale-") as tmp:
        projects = {}
        for rows in sorted(set(args.rows) | {args.ddp_rows}):
            project = projects[rows] = scale_project(Path(tmp), rows)
            if rows not in args.rows:
                run_stage(project, "data_processing")
                continue
            raw = raw_table_bytes(project)
            print(f"\n{rows:,} rows x 100 features: raw table {raw / 2**20:,.0f} MiB in memory")
            total = 0.0
            for stage in STAGES:
                seconds, peak = run_stage(project, stage)
                total += seconds
                verdict = "within" if peak < 4 * raw else "OVER"
                print(
                    f"  {stage:<16} {seconds:7.1f} s   peak {peak / 2**20:7,.0f} MiB "
                    f"= {peak / raw:5.2f}x raw ({verdict} the 4x bound)"
                )
            totals[rows] = total
            print(f"  {'total':<16} {total:7.1f} s")

        if len(totals) > 1:
            sizes = sorted(totals)
            slope = np.polyfit(np.log(sizes), np.log([totals[n] for n in sizes]), 1)[0]
            print(f"\nlog-log slope of total time against rows: {slope:.2f} (target <= 1.1)")
            per_row = {n: totals[n] / n * 1e6 for n in sizes}
            print(
                "  microseconds per row: "
                + ", ".join(f"{n:,}: {v:.0f}" for n, v in per_row.items())
            )

        project = projects[args.ddp_rows]
        one, two = (training_throughput(project, p) for p in (1, 2))
        print(
            f"\ntraining throughput at {args.ddp_rows:,} rows ({os.cpu_count()} CPU cores): "
            f"1 process {one:,.0f} rows/s, 2 processes {two:,.0f} rows/s "
            f"(x{two / one:.2f})"
        )


if __name__ == "__main__":
    main()
