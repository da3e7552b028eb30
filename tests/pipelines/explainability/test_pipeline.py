"""data_processing → training → explainability on a table with a hostile feature name."""

import base64
import json

import numpy as np
import pandas as pd
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset

from glassbox.explain.params import ExplainabilityParams
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.explainability import create_pipeline as explainability
from glassbox.pipelines.seed_runs import create_pipeline as seed_runs
from glassbox.pipelines.training import create_pipeline as training
from glassbox.prepare.params import DataProcessingParams
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.params import SeedRunsParams, TrainingParams
from glassbox.wiring.catalog_datasets.preprocessor import PreprocessorDataset

HOSTILE = "<script>alert(1)</script>"


def test_report_and_summary_with_every_data_string_escaped(tmp_path):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({HOSTILE: rng.normal(size=400), "plain": rng.normal(size=400)})
    table["label"] = np.where(table[HOSTILE] > 0, "<b>yes</b>", "no")
    catalog = DataCatalog(
        {
            "raw_data": MemoryDataset(table),
            "params:data_processing": MemoryDataset(DataProcessingParams(target="label")),
            "params:training": MemoryDataset(TrainingParams(epochs=10, progress="never")),
            "params:explainability": MemoryDataset(
                ExplainabilityParams(max_rows=40, quality={"sample_size": 20})
            ),
            "params:seed_runs": MemoryDataset(SeedRunsParams()),
            "preprocessor": PreprocessorDataset(str(tmp_path / "preprocessor.json")),
            "training_checkpoint": MemoryDataset(CheckpointStore(tmp_path / "ckpt.pt")),
            # Consumed by the report node, so kept in a file to be read afterwards.
            "explainability_summary": JSONDataset(filepath=str(tmp_path / "summary.json")),
        }
    )
    outputs = SequentialRunner().run(
        data_processing() + training() + seed_runs() + explainability(), catalog
    )
    html = outputs["explainability_report"].load()
    summary = catalog.load("explainability_summary")

    assert HOSTILE not in html and "<b>yes</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Can these explanations be trusted?" in html
    # A table's views: what to take away first, the beeswarm and dependence plots, each
    # single prediction's feature values beside their attributions, the explorer's data.
    assert html.index("What to take away") < html.index("Can these explanations be trusted?")
    assert 'alt="beeswarm summary: per-row attributions of the top features"' in html
    assert 'alt="dependence plots of the top features"' in html
    assert "top features = value (attribution)" in html
    data = html[html.index('id="explorer-data">') :].split(">", 1)[1].split("</script>")[0]
    explorer = json.loads(data)
    assert explorer["features"] == [HOSTILE, "plain"] and len(explorer["rows"]) == 40
    assert set(explorer["attributions"]) == set(ExplainabilityParams().methods)
    codes = base64.b64decode(explorer["attributions"]["integrated_gradients"]["codes"])
    assert len(codes) == 40 * 2  # a byte per row and feature
    assert summary["n_samples"] == 40
    assert set(summary["methods"]) == set(ExplainabilityParams().methods)
    for entry in summary["methods"].values():
        assert set(entry["global_importance"]) == {HOSTILE, "plain"}
        assert entry["seconds"] >= 0 and isinstance(entry["passes"], bool)
        assert {"infidelity", "sensitivity_max", "deletion", "checks"} <= set(entry["quality"])
    ig = summary["methods"]["integrated_gradients"]
    assert ig["global_importance"][HOSTILE] > ig["global_importance"]["plain"]
    assert ig["quality"]["completeness"]["relative_delta"] < 0.01
    # Retrained with two other seeds, explained again; a forest's permutation importance;
    # the deletion with removed features drawn from the data; which method to read first.
    for method, entry in summary["methods"].items():
        stability = entry["stability_across_seeds"]
        assert stability["seeds"] == 3 and -1 <= stability["rank_correlation"] <= 1
        assert set(stability["importance_range"]) == {HOSTILE, "plain"}
        low, high = stability["importance_range"][HOSTILE]
        assert low <= high
        assert entry["quality"]["checks"]["stable_across_seeds"] == (
            stability["correlation"] >= 0.8
        )
        assert entry["agreement_with_tree"]["tree"] == "random_forest"
        assert set(entry["quality"]["deletion"]["on_data"]) >= {"area", "random_area"}
        assert entry["passes"] == all(entry["quality"]["checks"].values()), method
    forest = summary["tree_permutation_importance"]["importances"]
    assert forest[HOSTILE] > forest["plain"]  # the label is the sign of HOSTILE
    first = summary["read_first"]
    assert first["order"] == [m for m in first["order"] if summary["methods"][m]["passes"]]
    if first["order"]:
        assert first["read_first"] == first["order"][0]
        assert first["text"].startswith(f"Read {first['read_first'].replace('_', ' ')} first")
        assert escape_free(first["text"]) in html


def escape_free(text: str) -> str:
    import html

    return html.escape(text, quote=True)
