"""The lines a run ends with, from the files the pipelines wrote."""

import json

from glassbox.wiring.summary import summary_lines


def test_the_summary_names_the_result_and_reports_wherever_they_are_written(tmp_path):
    project, elsewhere = tmp_path / "project", tmp_path / "shared"
    (project / "out").mkdir(parents=True)
    elsewhere.mkdir()
    details = {
        "task": "classification",
        "test_rows": 50,
        "model": {"accuracy": 0.9},
        "baselines": {
            "majority_class": {"accuracy": 0.3},
            "logistic_regression": {"accuracy": 0.8},
        },
        "bootstrap": {"level": 0.95},
        "verdict": {
            "outcome": "better",
            "metric": "accuracy",
            "difference": 0.1,
            "interval": [0.02, 0.18],
        },
    }
    (project / "out/details.json").write_text(json.dumps(details))
    (project / "out/report.html").write_text("<html></html>")
    (elsewhere / "card.md").write_text("# Model card")
    (project / "out/models.json").write_text(
        json.dumps({"recommendation": {"best": "cnn", "tied": ["cnn", "mlp"]}})
    )
    # A part switched off (glassbox.optional) wrote its record and page: not listed.
    (project / "out/privacy.json").write_text(json.dumps({"requested": False}))
    (project / "out/privacy.html").write_text("<html>not requested</html>")
    (project / "out/preprocessor.json").write_text(
        json.dumps(
            {
                "dropped_identifiers": {"rownames": "its name"},
                "data_warnings": ["column 'a' is column 'b' again"],
            }
        )
    )
    catalog = {
        "preprocessor": {"filepath": "out/preprocessor.json"},
        "evaluation_details": {"filepath": "out/details.json"},
        "architecture_comparison_summary": {"filepath": "out/models.json"},
        "privacy_comparison_summary": {"filepath": "out/privacy.json"},
        "privacy_comparison_report": {"filepath": "out/privacy.html"},
        "optimizer_comparison_summary": {"filepath": "out/not_written_yet.json"},
        "explainability_report": {"filepath": "out/report.html"},
        "model_card_markdown": {"filepath": str(elsewhere / "card.md")},  # outside the project
    }
    lines = summary_lines(project, catalog)
    assert lines[:2] == [
        "Dropped as an identifier: 'rownames' (its name)",
        "Data warning: column 'a' is column 'b' again",
    ]
    lines = lines[2:]
    assert lines[0] == (
        "Test split (50 rows): accuracy 0.9000; best baseline (logistic_regression) 0.8000"
    )
    assert (
        lines[1]
        == "Network against it: better (accuracy +0.1000, 95 % interval +0.0200 to +0.1800)"
    )
    assert lines[-2] == "Lowest validation loss: model cnn, tied with mlp (see the comparisons)"
    assert lines[-1] == f"Read: out/report.html, {elsewhere / 'card.md'}"


def test_a_private_model_says_so_with_its_epsilon(tmp_path):
    (tmp_path / "privacy.json").write_text(
        json.dumps({"enabled": True, "epsilon": 2.991, "target_epsilon": 3.0, "delta": 1e-5})
    )
    lines = summary_lines(tmp_path, {"training_privacy": {"filepath": "privacy.json"}})
    assert lines == ["Private model: ε 2.99 of 3 at δ 1e-05"]
    (tmp_path / "privacy.json").write_text(json.dumps({"enabled": False}))
    assert summary_lines(tmp_path, {"training_privacy": {"filepath": "privacy.json"}}) == []
