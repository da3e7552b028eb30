"""How long DVC's stage cache takes to say "nothing to do", on a fresh clone.

Clones the committed project into a temporary folder, runs `dvc repro` once (every stage
runs), then times repeated `dvc repro` runs that find every stage up to date, and prints
the times. The target is under 5 s for the no-op run.

    .venv/bin/python -m benchmarks.dvc_repro_cache [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(clone)], check=True)
        env["PYTHONPATH"] = str(clone / "src")
        first, out = timed(["dvc", "repro"], clone, env)
        stages = out.count("Running stage")
        print(f"first dvc repro (fresh clone): {first:.1f} s, {stages} stages ran")
        times = []
        for _ in range(args.repeats):
            seconds, out = timed(["dvc", "repro"], clone, env)
            assert "Running stage" not in out, out
            times.append(seconds)
        print(
            f"no-op dvc repro x{args.repeats}: median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s (target < 5 s)"
        )


if __name__ == "__main__":
    main()
