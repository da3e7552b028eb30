"""`make run`'s `dvc repro` on digits, stage by stage: seconds per stage and in total.

Runs one `dvc repro` in a throw-away copy of the project (no data, a fresh git
repository), as the first `make run` runs it, and splits its time by the moments DVC
says "Running stage ..." (a stage's time includes DVC's hashing of its outputs).

    python -m benchmarks.make_run_stages [--optional default|none|all] [--rows N]

``--optional`` sets the switches of conf/base/parameters_optional.yml in the copy: as
configured, every part off, or every part on. ``--rows N``: instead of digits, a generated
regression table of N rows (six numeric columns, three categorical ones of 5, 12 and 30
levels, a price in the thousands) brought in through globals.yml, as a user brings theirs;
the figures then end with the whole run in units of its own training node (the
`train_model` node's time, as the log's "done:" line gives it, which includes importing
PyTorch; and the training's epochs alone, from its history). Last, the longest quiet
stretch of the log: the most seconds between two lines, and the line that ended it (a run
on a big table should never go quiet for long: glassbox/progress.py).
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

import pandas as pd

from glassbox import thread_policy

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".venv", ".git", "data", "__pycache__", ".pytest_cache", ".ruff_cache", "dvc.lock"}


def _ignored(folder: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n in SKIPPED or n.endswith(".egg-info")}
    if Path(folder).name == ".dvc":  # DVC's cache and run-cache would restore stages unrun
        skipped |= {"cache", "tmp"} & set(names)
    return skipped


def copy_project(target: Path) -> Path:
    shutil.copytree(PROJECT_ROOT, target, ignore=_ignored)
    for layer in ("01_raw", "05_model_input", "06_models", "07_model_output", "08_reporting"):
        (target / "data" / layer).mkdir(parents=True, exist_ok=True)
    return target


# The stages of the model itself, its evaluation, explanation, export and predictions:
# `dvc repro` of these leaves out the optional parts (tests of the main route use it).
MAIN_STAGES = ["explainability", "export", "inference"]


def set_optional(project: Path, **switches: bool) -> None:
    """Switch optional parts in a project's conf/base/parameters_optional.yml, as a user
    edits it."""
    import yaml

    path = project / "conf" / "base" / "parameters_optional.yml"
    settings = yaml.safe_load(path.read_text())
    settings["optional"].update(switches)
    path.write_text(yaml.safe_dump(settings, sort_keys=False))


def regression_table(rows: int, seed: int = 0):
    """A table like a user's: numbers on different scales, categories, a skewed price."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    numeric = rng.normal(size=(rows, 6)) * [1, 10, 100, 0.1, 5, 1000]
    region = rng.integers(0, 5, rows)
    make = rng.integers(0, 12, rows)
    model = rng.integers(0, 30, rows)
    log_price = (
        8.0
        + 0.4 * numeric[:, 0]
        - 0.02 * numeric[:, 1]
        + 0.002 * numeric[:, 2]
        + 0.3 * np.sin(numeric[:, 4])
        + 0.1 * region
        + 0.05 * (make % 4)
        + 0.02 * (model % 7)
        + rng.normal(0, 0.2, rows)
    )
    table = pd.DataFrame(numeric, columns=[f"x{i}" for i in range(6)])
    table["region"] = [f"r{i}" for i in region]
    table["make"] = [f"make_{i}" for i in make]
    table["model"] = [f"m{i:02d}" for i in model]
    table["price"] = np.round(np.exp(log_price), 2)
    return table


def use_table(project: Path, rows: int) -> None:
    """The user's one edit: their table in data/01_raw, globals.yml pointing at it."""
    import yaml

    regression_table(rows).to_csv(project / "data" / "01_raw" / "mine.csv", index=False)
    path = project / "conf" / "base" / "globals.yml"
    settings = yaml.safe_load(path.read_text())
    settings["dataset"] |= {
        "raw_data": "data/01_raw/mine.csv",
        "target": "price",
        "image_shape": None,
        "new_data": None,
    }
    path.write_text(yaml.safe_dump(settings, sort_keys=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optional", choices=("default", "none", "all"), default="default")
    parser.add_argument("--rows", type=int, default=None, help="a generated table of N rows")
    options = parser.parse_args()
    env = thread_policy.without_glassbox_settings()  # each stage applies the policy itself
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = ""
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        if options.optional != "default":
            from glassbox.optional import DEFAULTS

            set_optional(project, **dict.fromkeys(DEFAULTS, options.optional == "all"))
        env["PYTHONPATH"] = str(project / "src")
        if options.rows:
            use_table(project, options.rows)
        for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "x"]):
            subprocess.run(args, cwd=project, env=env, check=True, capture_output=True)
        if options.rows:  # as `make run` does before `dvc repro`
            for module in ("glassbox.tools.dvc_stages", "glassbox.tools.track_inputs"):
                extra = ["--write"] if module.endswith("dvc_stages") else []
                subprocess.run(
                    [sys.executable, "-m", module, *extra], cwd=project, env=env, check=True
                )
        started = time.perf_counter()
        seconds: dict[str, float] = {}
        training_node = None
        stage, stage_started = None, started
        last_line, quiet = started, (0.0, "")
        with subprocess.Popen(
            ["dvc", "repro"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as repro:
            for line in repro.stdout:
                now = time.perf_counter()
                if now - last_line > quiet[0]:
                    quiet = (now - last_line, line.strip())
                last_line = now
                if "done: train_model (" in line:
                    training_node = float(line.split("done: train_model (")[1].split(" s)")[0])
                if "Running stage '" in line:  # (the first may follow a progress bar's \r)
                    now = time.perf_counter()
                    if stage is not None:
                        seconds[stage] = now - stage_started
                    stage, stage_started = line.split("Running stage '")[1].split("'")[0], now
        if repro.returncode != 0:
            sys.exit(f"dvc repro failed (exit {repro.returncode})")
        ended = time.perf_counter()
        seconds[stage] = ended - stage_started
        history = project / "data" / "08_reporting" / "training_history.csv"
        epochs_only = float(pd.read_csv(history)["epoch_seconds"].sum())
    first_stage_started = ended - sum(seconds.values())
    print("| stage | seconds |\n| --- | --- |")  # noqa: T201
    for stage, s in seconds.items():
        print(f"| `{stage}` | {s:.1f} |")  # noqa: T201
    print(f"| (DVC's start) | {first_stage_started - started:.1f} |")  # noqa: T201
    print(f"| **total** | **{ended - started:.1f}** |")  # noqa: T201
    if training_node:
        print(  # noqa: T201
            f"\nThe training node: {training_node:.1f} s; the whole run: "
            f"{(ended - started) / training_node:.1f}× it. The training's epochs alone "
            f"(its history's epoch_seconds, without the node's imports): {epochs_only:.1f} s; "
            f"the whole run: {(ended - started) / epochs_only:.1f}× them."
        )
    print(f"The longest quiet stretch of the log: {quiet[0]:.1f} s, until: {quiet[1]}")  # noqa: T201


if __name__ == "__main__":
    main()
