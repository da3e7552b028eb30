"""Steady speed on a busy machine: each stage's time beside a busy neighbour over its idle time.

Runs the default `training` and `optimizer_comparison` stages on digits (their commands
from dvc.yaml, in a fresh clone of the committed project), on an idle machine and then beside a
neighbour process, alternating, and prints the slowdown busy / idle per stage. The
neighbour is what a second experiment looks like to this one: a small PyTorch training
loop with PyTorch's default thread settings (not glassbox's), started and stopped by this
script and bounded in time.

It measures two settings side by side, each stage on Kedro's sequential runner:
- glassbox's: one thread per process (glassbox/thread_policy.py), each stage run with its
  command from dvc.yaml;
- the previous behaviour: PyTorch's default thread count (one per core, its OpenMP
  threads spinning at every barrier; set explicitly with OMP_NUM_THREADS). (The training
  code is today's in both.)
A busy run of the previous behaviour that passes `--cap` times its idle time is stopped
and shown as "> cap".

    .venv/bin/python -m benchmarks.busy_machine [--repeats 2] [--cap 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from glassbox import thread_policy

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STAGES = ("training", "optimizer_comparison")

# The neighbour: a small training loop of the kind glassbox runs, written the way a
# PyTorch user would (default threads), that stops by itself after argv[1] seconds.
NEIGHBOUR = """
import sys, time
import torch
from torch import nn
deadline = time.monotonic() + float(sys.argv[1])
torch.manual_seed(0)
X, y = torch.randn(1797, 64), torch.randint(0, 10, (1797,))
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
optimizer = torch.optim.Adam(model.parameters())
print(torch.get_num_threads(), flush=True)
while time.monotonic() < deadline:
    for start in range(0, len(X), 64):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(X[start:start + 64]), y[start:start + 64]).backward()
        optimizer.step()
"""


class Neighbour:
    """The busy neighbour, for the length of a ``with`` block (and at most ``seconds``)."""

    def __init__(self, env: dict[str, str], seconds: float) -> None:
        self.env, self.seconds = env, seconds

    def __enter__(self) -> Neighbour:
        self.process = subprocess.Popen(
            [sys.executable, "-c", NEIGHBOUR, str(self.seconds)],
            env=self.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.threads = int(self.process.stdout.readline())  # running from here on
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self.cores_used = self._cpu_seconds() / (time.monotonic() - self.started)
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()

    def _cpu_seconds(self) -> float:
        """User + system CPU time so far, from /proc (the process is still running)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stage_seconds(cmd: str, clone: Path, env: dict[str, str], timeout: float) -> float | None:
    """Seconds ``cmd`` takes in ``clone``; None if stopped at ``timeout``."""
    start = time.perf_counter()
    # A process group of its own, so that a stopped run takes its worker processes with it.
    process = subprocess.Popen(
        cmd,
        shell=True,
        cwd=clone,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None
    if process.returncode != 0:
        raise RuntimeError(f"`{cmd}` failed:\n{errors.decode()[-3000:]}")
    return time.perf_counter() - start


def dvc_commands(clone: Path) -> dict[str, str]:
    stages = yaml.safe_load((clone / "dvc.yaml").read_text())["stages"]
    return {stage: stages[stage]["cmd"] for stage in STAGES}


def torch_default_threads(env: dict[str, str]) -> int:
    """The thread count PyTorch picks by itself here (what glassbox used before its policy)."""
    code = "import torch; print(torch.get_num_threads())"
    return int(
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
    )


def prepared_clone(folder: Path, env: dict[str, str]) -> Path:
    clone = folder / "clone"
    subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(clone)], check=True)
    raw = ["data/01_raw/digits.csv", "--new-data", "data/01_raw/new_digits.csv"]
    for args in (
        ["-m", "glassbox.prepare.example", *raw],
        ["-m", "kedro", "run", "--pipelines", "data_processing"],
    ):
        subprocess.run([sys.executable, *args], cwd=clone, env=env, capture_output=True, check=True)
    return clone


def ratio_text(idle: list[float], busy: list[float | None], cap: float) -> str:
    if any(b is None for b in busy):
        return f"> {cap:.1f}"
    return f"{statistics.median(busy) / statistics.median(idle):.2f}"


def seconds_text(values: list[float | None]) -> str:
    return ", ".join("stopped" if v is None else f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="idle/busy pairs per setting")
    parser.add_argument(
        "--cap", type=float, default=5.0, help="stop a busy run after this many times its idle time"
    )
    args = parser.parse_args()

    user_env = thread_policy.without_glassbox_settings()
    user_env.update(PYTHONUNBUFFERED="1")
    user_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{user_env['PATH']}"
    chosen = [f"{n}={user_env[n]}" for n in thread_policy.USER_SETTINGS if user_env.get(n)]
    if chosen:
        print(f"note: {', '.join(chosen)} is set, so the 'policy' runs use it, not glassbox's")
    neighbour_env = {k: v for k, v in user_env.items() if k not in thread_policy.USER_SETTINGS}
    default_threads = torch_default_threads(neighbour_env)
    with tempfile.TemporaryDirectory() as tmp:
        user_env["PYTHONPATH"] = str(Path(tmp) / "clone" / "src")
        clone = prepared_clone(Path(tmp), user_env)
        # setting -> (environment, stage -> command)
        settings = {
            "glassbox policy": (user_env, dvc_commands(clone)),  # what `dvc repro` runs
            f"previous ({default_threads} threads)": (
                {**user_env, "OMP_NUM_THREADS": str(default_threads)},
                {stage: f"kedro run --pipelines {stage}" for stage in STAGES},
            ),
        }

        times = {(s, stage, c): [] for s in settings for stage in STAGES for c in ("idle", "busy")}
        cores = []
        for repeat in range(args.repeats):
            for setting, (env, commands) in settings.items():
                for stage in STAGES:
                    idle = stage_seconds(commands[stage], clone, env, timeout=3600)
                    limit = idle * args.cap if setting != "glassbox policy" else 3600
                    with Neighbour(neighbour_env, seconds=limit + 60) as neighbour:
                        busy = stage_seconds(commands[stage], clone, env, timeout=limit)
                    cores.append(neighbour.cores_used)
                    times[setting, stage, "idle"].append(idle)
                    times[setting, stage, "busy"].append(busy)
                    print(
                        f"[{repeat + 1}/{args.repeats}] {setting}, {stage}: idle {idle:.1f} s, "
                        f"busy {seconds_text([busy])} s",
                        flush=True,
                    )

    print(
        f"\nneighbour: PyTorch's default {neighbour.threads} threads, using "
        f"{statistics.mean(cores):.2f} cores on average (this machine: {os.cpu_count()})"
    )
    print(f"{'stage':<22}{'setting':<26}{'idle s':>16}{'busy s':>20}{'busy / idle':>13}")
    for stage in STAGES:
        for setting in settings:
            idle, busy = times[setting, stage, "idle"], times[setting, stage, "busy"]
            print(
                f"{stage:<22}{setting:<26}{seconds_text(idle):>16}{seconds_text(busy):>20}"
                f"{ratio_text(idle, busy, args.cap):>13}"
            )


if __name__ == "__main__":
    main()
