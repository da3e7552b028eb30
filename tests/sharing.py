"""A teammate's route, as README.md and docs/versioning.md give it: commit the run (dvc.lock
with the code), `dvc push`; then a fresh `git clone`, `dvc pull`, and nothing is left to
reproduce. Helpers for the end-to-end tests that take it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import file_digests, run_cli
from tests.s3 import BUCKET

# Working stores DVC leaves alone (catalog `dvc: {untracked: true}`): never pushed.
UNTRACKED = ("06_models/checkpoints/", "07_model_output/comparison_studies.journal")


def commit(project: Path, message: str) -> None:
    """`git add -A` and commit (a new repository on the first call)."""
    if not (project / ".git").exists():
        assert run_cli(["git", "init", "-q"], project).returncode == 0
    for args in (["git", "add", "-A"], ["git", "commit", "-qm", message]):
        result = run_cli(args, project)
        assert result.returncode == 0, result.stdout + result.stderr


def use_local_remote(project: Path, storage: Path) -> None:
    """The default remote (`local`, a folder), moved into the test's own folder."""
    result = run_cli(["dvc", "remote", "modify", "local", "url", str(storage)], project)
    assert result.returncode == 0, result.stderr


def use_s3_remote(project: Path, endpoint_url: str, prefix: str, default: bool = True) -> None:
    """What docs/versioning.md tells a user: the remote and its endpoint in .dvc/config
    (shared), credentials in environment variables (never in git)."""
    add = ["dvc", "remote", "add", *(["-d"] if default else []), "s3", f"s3://{BUCKET}/{prefix}"]
    for args in (add, ["dvc", "remote", "modify", "s3", "endpointurl", endpoint_url]):
        result = run_cli(args, project)
        assert result.returncode == 0, result.stderr


def dvc_outputs(project: Path) -> dict[str, str]:
    """sha256 of every file under data/ that DVC versions (not git's placeholders, not the
    working stores DVC leaves alone)."""
    return {
        path: digest
        for path, digest in file_digests(project / "data").items()
        if not path.endswith((".gitignore", ".gitkeep")) and not path.startswith(UNTRACKED)
    }


def push(project: Path, *remote: str) -> str:
    """`dvc push` (to the default remote, or `-r NAME`); its output."""
    pushed = run_cli(["dvc", "push", *(["-r", remote[0]] if remote else [])], project)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    return pushed.stdout + pushed.stderr


def clone_and_pull(origin: Path, target: Path, *remote: str) -> Path:
    """A teammate's first steps: `git clone`, `dvc pull`. The pull must exit 0 with no
    ERROR line and bring every output byte for byte; then `dvc status` is clean and
    `dvc repro` has nothing to do."""
    cloned = run_cli(["git", "clone", "-q", str(origin), str(target)], target.parent)
    assert cloned.returncode == 0, cloned.stderr
    pulled = run_cli(["dvc", "pull", *(["-r", remote[0]] if remote else [])], target)
    output = pulled.stdout + pulled.stderr
    assert pulled.returncode == 0 and "ERROR" not in output, output
    assert dvc_outputs(target) == dvc_outputs(origin)
    assert_nothing_to_reproduce(target)
    return target


def assert_nothing_to_reproduce(project: Path) -> None:
    status = run_cli(["dvc", "status"], project)
    assert status.returncode == 0, status.stderr
    assert status.stdout.strip() == "Data and pipelines are up to date.", status.stdout
    again = run_cli(["dvc", "repro"], project)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Running stage" not in again.stdout, again.stdout
