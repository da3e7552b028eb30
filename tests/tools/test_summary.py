"""The lines a run ends with, from the files the pipelines wrote."""

import json

from glassbox.tools.summary import summary_lines


def test_the_summary_names_the_result_and_reports_wherever_they_are_written(tmp_path):
    project, elsewhere = tmp_path / "project", tmp_path / "shared"
    (project / "out").mkdir(parents=True)
    elsewhere.mkdir()
    metrics = {"accuracy": 0.9, "best_baseline": "logistic_regression"}
    metrics |= {"best_baseline_accuracy": 0.8, "test_rows": 50}
    (project / "out/metrics.json").write_text(json.dumps(metrics))
    (project / "out/report.html").write_text("<html></html>")
    (elsewhere / "card.md").write_text("# Model card")
    (project / "out/models.json").write_text(json.dumps({"recommendation": {"best": "cnn"}}))
    catalog = {
        "metrics": {"filepath": "out/metrics.json"},
        "architecture_comparison_summary": {"filepath": "out/models.json"},
        "optimizer_comparison_summary": {"filepath": "out/not_written_yet.json"},
        "explainability_report": {"filepath": "out/report.html"},
        "model_card_markdown": {"filepath": str(elsewhere / "card.md")},  # outside the project
    }
    lines = summary_lines(project, catalog)
    assert lines[0] == (
        "Test split (50 rows): accuracy 0.9000; best baseline (logistic_regression) 0.8000"
    )
    assert lines[-2] == "Lowest validation loss: model cnn (see the comparisons)"
    assert lines[-1] == f"Read: out/report.html, {elsewhere / 'card.md'}"
