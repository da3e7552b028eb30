"""The few lines a run ends with: what the data review dropped and warned about, the
headline result against the best baseline, the explanations' verdict, and where the
reports and the model card are.

Printed after `kedro run` (by a hook) and after `make run` (`python -m glassbox.wiring.summary`),
from the files the pipelines wrote; a file not written yet is left out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from glassbox.evaluate.verdict import ranking_score, signed
from glassbox.optional import requested

# Each report, with the summary that says whether it was requested (glassbox.optional).
REPORTS = {
    "evaluation_report": None,
    "explainability_report": None,
    "optimizer_comparison_report": "optimizer_comparison_summary",
    "architecture_comparison_report": "architecture_comparison_summary",
    "privacy_comparison_report": "privacy_comparison_summary",
    "model_card_markdown": None,
}
# The comparisons' recommendations (chosen on validation loss), one phrase each.
COMPARISONS = {
    "optimizer": "optimizer_comparison_summary",
    "model": "architecture_comparison_summary",
}


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def summary_lines(project_path: Path, catalog: dict) -> list[str]:
    def path_of(dataset: str) -> Path | None:
        filepath = (catalog.get(dataset) or {}).get("filepath")
        return None if not filepath else project_path / filepath

    def read(dataset: str) -> dict | None:
        return _read_json(path_of(dataset)) if path_of(dataset) else None

    lines = []
    # What the data review found, repeated here so that no warning scrolls away.
    prepared = read("preprocessor") or {}
    for column, why in (prepared.get("dropped_identifiers") or {}).items():
        lines.append(f"Dropped as an identifier: {column!r} ({why})")
    for warning in prepared.get("data_warnings") or []:
        lines.append(f"Data warning: {warning}")
    details = read("evaluation_details")
    if details:
        score = ranking_score(details)
        key, sign = score.key, (1 if score.higher_is_better else -1)
        best = max(details["baselines"], key=lambda n: sign * details["baselines"][n][key])
        beside = (
            ""
            if key != "balanced_accuracy"
            else (
                f" (accuracy {details['model']['accuracy']:.4f}: a class is rare, see the data "
                "warning)"
            )
        )
        lines.append(
            f"Test split ({details['test_rows']} rows): {key} {details['model'][key]:.4f}"
            f"{beside}; best baseline ({best}) {details['baselines'][best][key]:.4f}"
        )
        found = details.get("verdict")
        if found:
            low, high = found["interval"]
            level = round(details["bootstrap"]["level"] * 100)
            lines.append(
                f"Network against it: {found['outcome']} ({found['metric']} "
                f"{signed(found['difference'])}, {level} % interval {signed(low)} to "
                f"{signed(high)})"
            )
    private = read("training_privacy")
    if private and private.get("enabled"):
        spent = (
            "∞ (clipping only, no noise)"
            if private["epsilon"] is None
            else (f"{private['epsilon']:.2f} of {private['target_epsilon']:g}")
        )
        lines.append(f"Private model: ε {spent} at δ {private['delta']:.3g}")
    summary = read("explainability_summary")
    if summary:
        methods = summary["methods"]
        failing = [m for m, r in methods.items() if not r["passes"]]
        verdict = f"{len(methods) - len(failing)} of {len(methods)} methods pass every trust check"
        lines.append(
            f"Explanations: {verdict}" + (f" (not: {', '.join(failing)})" if failing else "")
        )
    advice = []
    for what, dataset in COMPARISONS.items():
        compared = read(dataset)
        if compared and compared.get("recommendation"):
            found = compared["recommendation"]
            if found["best"] is None:
                advice.append(f"{what}: none, every run diverged")
                continue
            tied = [n for n in found.get("tied", []) if n != found["best"]]
            advice.append(
                f"{what} {found['best']}" + (f", tied with {', '.join(tied)}" if tied else "")
            )
    if advice:
        lines.append(f"Lowest validation loss: {'; '.join(advice)} (see the comparisons)")
    written = [
        _shown(path_of(report), project_path)
        for report, record in REPORTS.items()
        if _exists(path_of(report)) and (record is None or requested(read(record)))
    ]
    if written:
        lines.append("Read: " + ", ".join(written))
    return lines


def _shown(path: Path, project_path: Path) -> str:
    """Relative to the project where it lies inside (as the catalog names it), else whole."""
    return str(path.relative_to(project_path) if path.is_relative_to(project_path) else path)


def _exists(path: Path | None) -> bool:
    return path is not None and path.is_file()


def main() -> int:
    from glassbox.project_config import load_catalog_config

    project_path = Path.cwd()
    lines = summary_lines(project_path, load_catalog_config(project_path, run_env="local"))
    print("\n".join(lines or ["No results yet: run `make run`."]))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
