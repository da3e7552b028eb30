"""What git tracks, and what it must not."""

import subprocess

from tests.conftest import PROJECT_ROOT, copy_project, run_cli


def _tracked() -> list[str]:
    result = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return result.stdout.splitlines()


def test_git_holds_no_credentials_data_or_models():
    tracked = _tracked()
    assert tracked, "run inside the git checkout"
    assert not [p for p in tracked if "credentials" in p or p.endswith("config.local")]
    assert not [
        p for p in tracked if p.startswith("data/") and not p.endswith((".gitkeep", ".dvc"))
    ]
    assert not [p for p in tracked if p.endswith((".safetensors", ".pt", ".parquet", ".csv"))]


def test_main_carries_no_dvc_lock():
    """A lock on main names a run's outputs that no remote a user has holds: a fresh clone's
    first `make run` (`dvc repro --pull`) then opened with two WARNING lines about missing
    cache files (docs/versioning.md: each team commits its own)."""
    assert "dvc.lock" not in _tracked()


def test_dvc_sees_dvc_files_in_the_data_layers(tmp_path):
    """A regression test: a `data/**` ignore rule made DVC skip every .dvc file under data/."""
    project = copy_project(tmp_path / "project")
    (project / "data/01_raw/users.csv").write_text("a,b\n1,2\n")
    for args in (["git", "init", "-q"], ["dvc", "add", "data/01_raw/users.csv"]):
        assert run_cli(args, project).returncode == 0
    ignored = run_cli(["git", "check-ignore", "-q", "data/01_raw/users.csv.dvc"], project)
    assert ignored.returncode == 1, "the .dvc file must not be git-ignored"
    assert run_cli(["git", "check-ignore", "-q", "data/01_raw/users.csv"], project).returncode == 0
    status = run_cli(["dvc", "data", "status", "--json"], project)
    assert "users.csv" in status.stdout, status.stdout


def test_the_readme_is_short_reaches_your_own_data_early_and_its_links_resolve():
    import re

    readme = (PROJECT_ROOT / "README.md").read_text().splitlines()
    assert len(readme) <= 250
    own_data = next(i for i, line in enumerate(readme) if line.startswith("## Your own data"))
    assert own_data < 100
    pages = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#]+\.md)\)", page.read_text()):
            if not target.startswith("http"):
                assert (page.parent / target).is_file(), f"{page.name} links to {target}"
