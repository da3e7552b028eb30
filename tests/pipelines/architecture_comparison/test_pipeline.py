"""The architecture comparison, run as a Kedro pipeline on digits: its JSON against the runs
it summarises, and an architecture of images left out (and said so) for a table."""

import statistics

import pytest
from kedro.io import MemoryDataset
from kedro.runner import SequentialRunner

from glassbox.compare.params import ArchitectureComparisonParams
from glassbox.pipelines.architecture_comparison import create_pipeline as architecture_comparison
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.prepare.params import DataProcessingParams
from glassbox.training.params import TrainingParams
from tests.conftest import digits_catalog


def _compare(tmp_path, image_shape, training: TrainingParams):
    comparison = ArchitectureComparisonParams(seeds=[0, 1], epochs=3)
    catalog = digits_catalog(
        tmp_path,
        data_processing=DataProcessingParams(target="digit", image_shape=image_shape),
        training=training,
        architecture_comparison=comparison,
    )
    catalog["seed_runs"] = MemoryDataset([])  # nothing to reuse: every run trained here
    outputs = SequentialRunner().run(data_processing() + architecture_comparison(), catalog)
    return (
        outputs["architecture_comparison_summary"].load(),
        outputs["architecture_comparison_report"].load(),
    )


def test_each_architecture_trains_with_its_configured_settings_and_the_summary_matches(tmp_path):
    training = TrainingParams(
        progress="never",
        model={"name": "mlp", "mlp": {"hidden_sizes": [16]}, "cnn": {"channels": [4], "hidden": 8}},
    )
    summary, report = _compare(tmp_path, [8, 8], training)

    entries = summary["architectures"]
    assert list(entries) == ["mlp", "cnn", "resnet"] and summary["left_out"] == {}
    assert entries["mlp"]["settings"]["hidden_sizes"] == [16]  # its section in training.model
    assert entries["cnn"]["settings"]["channels"] == [4]
    assert entries["resnet"]["settings"]["width"] == 128  # no section: its defaults
    assert entries["mlp"]["parameters"] == 61 * 16 + 16 + 16 * 10 + 10
    for entry in entries.values():
        runs = entry["runs"]
        assert [r["seed"] for r in runs] == [0, 1]
        assert all(r["epochs_trained"] == 3 for r in runs)
        accuracies = [r["test_accuracy"] for r in runs]
        assert entry["test_accuracy_mean"] == pytest.approx(statistics.fmean(accuracies))
        assert entry["best_val_loss_mean"] == pytest.approx(
            statistics.fmean(min(r["val_loss"]) for r in runs)
        )
    best = min(entries, key=lambda n: entries[n]["best_val_loss_mean"])
    assert summary["recommendation"]["best"] == best  # on validation loss, not test
    assert "Which model suits this data?" in report


def test_an_architecture_of_images_is_left_out_for_a_table_and_the_report_says_why(tmp_path):
    summary, report = _compare(tmp_path, None, TrainingParams(progress="never"))
    assert list(summary["architectures"]) == ["mlp", "resnet"]
    assert "image shape" in summary["left_out"]["cnn"]
    assert "cnn: it needs an image shape" in report


def test_switched_off_it_trains_nothing_and_writes_how_to_ask_for_it(tmp_path):
    catalog = digits_catalog(
        tmp_path,
        data_processing=DataProcessingParams(target="digit"),
        training=TrainingParams(progress="never"),
        architecture_comparison=ArchitectureComparisonParams(),
    )
    catalog["params:optional.architecture_comparison"] = MemoryDataset(False)
    catalog["seed_runs"] = MemoryDataset([])
    outputs = SequentialRunner().run(data_processing() + architecture_comparison(), catalog)
    summary = outputs["architecture_comparison_summary"].load()
    assert summary["requested"] is False and "architectures" not in summary
    assert "optional.architecture_comparison=true" in summary["how_to_request"]
    assert "not requested" in outputs["architecture_comparison_report"].load()
