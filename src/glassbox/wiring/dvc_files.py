"""Which files DVC tracks for a pipeline, by its catalog entries, and whether dvc.yaml
still says so: shared by dvc.yaml's generator (glassbox.tools.dvc_stages) and the check
made before a run (glassbox.wiring.preflight)."""

from __future__ import annotations

from pathlib import Path

import yaml


def dvc_options(catalog: dict, dataset: str) -> dict:
    return (catalog.get(dataset, {}).get("metadata") or {}).get("dvc") or {}


def tracked_file(catalog: dict, dataset: str) -> str | None:
    """The file DVC tracks for a dataset: None for memory datasets and untracked files."""
    if dvc_options(catalog, dataset).get("untracked"):
        return None
    return catalog.get(dataset, {}).get("filepath")


def data_files(pipeline, catalog: dict) -> tuple[list[str], list[str], list[str]]:
    """The catalog files a pipeline reads, writes, and writes as DVC metrics."""
    inputs = sorted(d for d in pipeline.inputs() if tracked_file(catalog, d))
    outputs = sorted(d for d in pipeline.all_outputs() if tracked_file(catalog, d))
    metrics = [d for d in outputs if dvc_options(catalog, d).get("metrics")]
    return (
        [tracked_file(catalog, d) for d in inputs],
        [tracked_file(catalog, d) for d in outputs if d not in metrics],
        [tracked_file(catalog, d) for d in metrics],
    )


def stage_drift(project_path: Path, stage: str, pipeline, catalog: dict) -> list[str]:
    """What dvc.yaml's entry for ``stage`` says about data files that the catalog does not
    (checked when DVC runs a stage; it costs no imports, unlike a full --check)."""
    document = yaml.safe_load((project_path / "dvc.yaml").read_text(encoding="utf-8")) or {}
    entry = (document.get("stages") or {}).get(stage.rsplit(":", 1)[-1])
    if entry is None:
        return []
    inputs, outs, metrics = data_files(pipeline, catalog)
    tracked_inputs = [d for d in entry.get("deps", []) if not d.startswith("src/")]
    differences = [
        f"{what}: dvc.yaml has {sorted(listed)}, the catalog {sorted(expected)}"
        for what, listed, expected in (
            ("reads", tracked_inputs, inputs),
            ("writes", entry.get("outs", []), outs),
            ("metrics", entry.get("metrics", []), metrics),
        )
        if sorted(listed) != sorted(expected)
    ]
    if not differences:
        return []
    return [
        f"dvc.yaml is out of date with the catalog (stage {stage!r} "
        + "; ".join(differences)
        + "): DVC would version other files than this run uses. Run `make dvc-yaml` "
        "(`make run` does it for you), then `dvc repro` again"
    ]
