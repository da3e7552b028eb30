"""What "the same run" means for glassbox's outputs: every file byte for byte, except the
fields that name wall-clock time, which no seed fixes. docs/versioning.md lists the same:

- in JSON files, every key with "seconds" in its name (runs' epoch times, comparisons'
  seconds to target, each explanation method's seconds);
- in training_history.csv, the `epoch_seconds` column;
- in HTML reports, the cells of table columns whose heading says "seconds";
- in the pipelines' picture, Kedro-Viz's build time (`api/deploy-viz-metadata`).

Working stores DVC leaves alone (checkpoints, the Optuna journal) are not outputs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

WORKING_STORES = ("06_models/checkpoints/", "07_model_output/comparison_studies.journal")
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t([hd])>(.*?)</t\1>", re.S)


def without_timings(value):
    """A JSON value without its keys that name seconds."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if "seconds" not in k}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def _table_without_timings(match: re.Match) -> str:
    rows = [[cell for _, cell in _CELL.findall(row)] for row in _ROW.findall(match.group(0))]
    timed = {i for i, heading in enumerate(rows[0] if rows else []) if "seconds" in heading}
    return repr([[c for i, c in enumerate(row) if i not in timed] for row in rows])


def html_without_timings(text: str) -> str:
    return _TABLE.sub(_table_without_timings, text)


def comparable(path: Path) -> object:
    """A file's content as it must repeat from run to run."""
    name = path.as_posix()
    if path.suffix == ".json":
        return without_timings(json.loads(path.read_text()))
    if name.endswith("training_history.csv"):
        return pd.read_csv(path).drop(columns="epoch_seconds").to_csv(index=False)
    if path.suffix == ".html":
        return html_without_timings(path.read_text())
    if name.endswith("api/deploy-viz-metadata"):
        return {k: v for k, v in json.loads(path.read_text()).items() if k != "timestamp"}
    return path.read_bytes()


def outputs(project: Path) -> dict[str, object]:
    """Every output under data/, in a form that is equal for equal results."""
    data = project / "data"
    return {
        str(path.relative_to(project)): comparable(path)
        for path in sorted(data.rglob("*"))
        if path.is_file()
        and path.name not in {".gitkeep", ".gitignore"}
        and not str(path.relative_to(data)).startswith(WORKING_STORES)
    }


def first_difference(a, b, path: str = "") -> str:
    """Where two outputs first differ (a JSON path, or the first differing byte)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}/{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    if isinstance(a, bytes | str) and isinstance(b, bytes | str):
        at = next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        return f"{path} at {at} of {len(a)} / {len(b)}: {a[max(0, at - 40) : at + 40]!r}"
    return f"{path}: {str(a)[:80]!r} != {str(b)[:80]!r}"


def differences(now: dict, reference: dict) -> list[str]:
    """Each output that differs, and where; files present in one run only, too."""
    missing = [f"{name}: only in one run" for name in set(now) ^ set(reference)]
    return missing + [
        f"{name}{first_difference(now[name], reference[name])}"
        for name in sorted(set(now) & set(reference))
        if now[name] != reference[name]
    ]
