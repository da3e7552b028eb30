"""Nodes of the explainability pipeline that adapt: the metrics DVC reads and the report
(which imports matplotlib only when it runs). The rest of the pipeline names
glassbox.explain.explanation's functions directly."""

from __future__ import annotations

from glassbox.explain.params import ExplainabilityParams
from glassbox.prepare.preprocessing import Preprocessor


def explainability_metrics(explainability_summary: dict) -> dict:
    """The methods that pass every trust check, out of those computed (for DVC)."""
    passing = [m for m, r in explainability_summary["methods"].items() if r["passes"]]
    return {"methods": len(explainability_summary["methods"]), "methods_passing": len(passing)}


def render_explainability_report(
    explanations: dict, summary: dict, preprocessor: Preprocessor, params: ExplainabilityParams
) -> str:
    """The self-contained HTML report."""
    from glassbox.explain import report as explainability_report

    return explainability_report.render(explanations, summary, preprocessor, params)
