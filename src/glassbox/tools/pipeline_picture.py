"""The picture of every pipeline: Kedro-Viz's static build, kept with the reports.

    python -m glassbox.tools.pipeline_picture data/08_reporting/pipelines

runs `kedro viz build` (Kedro-Viz's documented static export: the same interactive graph
as `kedro viz run`, with its data as files) and moves its `build/` folder to the target, so
that the picture is a DVC output like every report. Open it through any static server
(`python -m http.server -d data/08_reporting/pipelines`, then http://127.0.0.1:8000): it
reads its data with requests, which a page opened from a file may not make. Kedro-Viz's page
links a web font; the link is removed so that the picture opens offline without asking any
other host (the system font is used).

Switched by `optional.pipeline_picture` in conf/base/parameters_optional.yml: off, the folder
holds only a "not requested" page. Kedro-Viz lists nodes in set order, which follows Python's string
hashing: the build runs with a fixed PYTHONHASHSEED so that the same pipelines give the same
files, and the paths Kedro-Viz records (a node's code, a dataset's file) are made relative
to the project, so that a clone elsewhere draws the same picture. One field still differs
from build to build: the build time Kedro-Viz writes into `api/deploy-viz-metadata` (its
`timestamp`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from glassbox.optional import PARAMETERS_FILE, OptionalParts, not_requested, switch
from glassbox.project_config import load_parameters

WEB_FONT = re.compile(r"<link[^>]*fonts\.(googleapis|gstatic)\.com[^>]*>")


def build(project: Path, target: Path) -> None:
    """`kedro viz build` in a copy-free way: run in the project, then move the result."""
    built = project / "build"
    if built.exists():
        raise SystemExit(
            f"{built} exists: `kedro viz build` writes there; move it away and run again"
        )
    result = subprocess.run(
        ["kedro", "viz", "build"],
        cwd=project,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not (built / "index.html").is_file():
        shutil.rmtree(built, ignore_errors=True)
        raise SystemExit(f"kedro viz build failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    for page in built.glob("*.html"):
        page.write_text(WEB_FONT.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    for record in (built / "api").rglob("*"):
        if record.is_file():
            text = _relative_paths(record.read_text(encoding="utf-8"), project)
            record.write_text(text, encoding="utf-8")
    _replace(target, built)


def _relative_paths(text: str, project: Path) -> str:
    """Kedro-Viz's `filepath`s relative to the project: a dataset's is absolute, a node's
    code starts with the project's folder name."""
    root = project.resolve()
    text = text.replace(f'"filepath": "{root.as_posix()}/', '"filepath": "')
    return text.replace(f'"filepath": "{root.name}/', '"filepath": "')


def write_not_requested(project: Path, target: Path) -> None:
    """The folder with one page that says how to ask for the picture."""
    staged = project / "build"
    if staged.exists():
        raise SystemExit(f"{staged} exists: move it away and run again")
    staged.mkdir()
    _, page = not_requested("pipeline_picture", "The pipelines' picture")
    (staged / "index.html").write_text(page, encoding="utf-8")
    _replace(target, staged)


def _replace(target: Path, new: Path) -> None:
    """Replace the previous folder only once the new one is whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as old:
        if target.exists():
            target.rename(Path(old) / "previous")
        new.rename(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="the folder to hold the picture")
    options = parser.parse_args(argv)
    project = Path.cwd()
    try:
        switches = load_parameters(project, run_env="local").get("optional", {})
        parts = OptionalParts.model_validate(switches)
    except ValueError as error:  # pydantic's ValidationError names the key and the value
        raise SystemExit(f"Error: {PARAMETERS_FILE}: {error}") from None
    if not parts.pipeline_picture:
        write_not_requested(project, options.target)
        print(f"The pipelines' picture: not requested ({switch('pipeline_picture')} is false)")  # noqa: T201
        return 0
    build(project, options.target)
    print(f"The pipelines' picture: {options.target}/index.html (serve the folder to open it)")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
