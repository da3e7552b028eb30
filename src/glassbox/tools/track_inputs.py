"""Put the input files no stage writes (your own table, the rows to predict) under DVC.

A stage's outputs are versioned by `dvc repro`; a file that stages only read, such as the
table `conf/base/globals.yml` points at, is versioned only once `dvc add` has been run on
it. Without that, `dvc push` leaves it behind and a teammate's clone cannot reproduce the
run. `make run` calls this before `dvc repro`:

- a file inside the project that git does not track gets a `<file>.dvc` record (`dvc add`),
  updated whenever the file changes; commit the record, and `dvc push` shares the file;
- a file outside the project is named in a note: DVC records its checksum, but cannot push
  it for you.

    python -m glassbox.tools.track_inputs
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml


def untracked_inputs(project: Path) -> list[str]:
    """The data files that dvc.yaml's stages read and none of them writes (paths as there)."""
    stages = (yaml.safe_load((project / "dvc.yaml").read_text(encoding="utf-8")) or {})["stages"]
    outs = {out for stage in stages.values() for out in stage.get("outs", [])}
    outs |= {m for stage in stages.values() for m in stage.get("metrics", [])}
    reads = {
        dep
        for stage in stages.values()
        for dep in stage.get("deps", [])
        if not dep.startswith(("src/", "conf/"))
    }
    return sorted(reads - outs)


def _in_git(project: Path, path: str) -> bool:
    listed = subprocess.run(
        ["git", "ls-files", "--error-unmatch", path], cwd=project, capture_output=True
    )
    return listed.returncode == 0


def track(project: Path) -> list[str]:
    """`dvc add` each input that needs it; the lines to tell the user."""
    said = []
    for path in untracked_inputs(project):
        file = (project / path).resolve()
        if not file.is_relative_to(project.resolve()):
            said.append(
                f"Note: {path} lies outside the project: DVC records its checksum, but "
                "`dvc push` cannot share it; copy it under data/01_raw/ to version it"
            )
            continue
        if not file.is_file() or _in_git(project, path):
            continue  # missing: the run says so; in git: git versions it
        record = file.with_name(file.name + ".dvc")
        before = record.read_text(encoding="utf-8") if record.exists() else None
        added = subprocess.run([sys.executable, "-m", "dvc", "add", "--quiet", path], cwd=project)
        if added.returncode != 0:
            raise SystemExit(f"Error: `dvc add {path}` failed (above); fix it and run again")
        rel = record.relative_to(project.resolve())
        if before is None:
            said.append(f"{path} is now versioned by DVC ({rel}): commit that file with conf/")
        elif record.read_text(encoding="utf-8") != before:
            said.append(f"{path} changed: DVC's record {rel} is updated; commit it")
    return said


def main() -> int:
    for line in track(Path.cwd()):
        print(line)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
