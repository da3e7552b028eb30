"""The picture of every pipeline: Kedro-Viz's static build, kept with the reports.

    python -m glassbox.tools.pipeline_picture data/08_reporting/pipelines

runs `kedro viz build` (Kedro-Viz's documented static export: the same interactive graph
as `kedro viz run`, with its data as files) and moves its `build/` folder to the target, so
that the picture is a DVC output like every report. Open it through any static server
(`python -m http.server -d data/08_reporting/pipelines`, then http://127.0.0.1:8000): it
reads its data with requests, which a page opened from a file may not make. Kedro-Viz's page
links a web font; the link is removed so that the picture opens offline without asking any
other host (the system font is used).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WEB_FONT = re.compile(r"<link[^>]*fonts\.(googleapis|gstatic)\.com[^>]*>")


def build(project: Path, target: Path) -> None:
    """`kedro viz build` in a copy-free way: run in the project, then move the result."""
    built = project / "build"
    if built.exists():
        raise SystemExit(
            f"{built} exists: `kedro viz build` writes there; move it away and run again"
        )
    result = subprocess.run(
        ["kedro", "viz", "build"], cwd=project, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or not (built / "index.html").is_file():
        shutil.rmtree(built, ignore_errors=True)
        raise SystemExit(f"kedro viz build failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    for page in built.glob("*.html"):
        page.write_text(WEB_FONT.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    # Replace the previous picture only once the new one is whole.
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as old:
        if target.exists():
            target.rename(Path(old) / "previous")
        built.rename(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="the folder to hold the picture")
    options = parser.parse_args(argv)
    build(Path.cwd(), options.target)
    print(f"The pipelines' picture: {options.target}/index.html (serve the folder to open it)")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
