"""The privacy comparison, run as a Kedro pipeline on digits: accuracy falls with ε, the
clipping-only control and the membership attack are reported, and the JSON matches its runs."""

import statistics

import pytest
from kedro.runner import SequentialRunner

from glassbox.compare.params import PrivacyComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.privacy_comparison import create_pipeline as privacy_comparison
from glassbox.prepare.params import DataProcessingParams
from glassbox.training.params import TrainingParams
from tests.conftest import digits_catalog


def test_accuracy_falls_as_epsilon_falls_and_every_variant_is_attacked(tmp_path):
    comparison = PrivacyComparisonParams(
        epsilons=[None, 4.0, 0.2], seeds=[0, 1], epochs=8, batch_size=128, explained_rows=20
    )
    catalog = digits_catalog(
        tmp_path,
        data_processing=DataProcessingParams(target="digit"),
        training=TrainingParams(progress="never", privacy={"target_delta": 1e-5}),
        privacy_comparison=comparison,
    )
    outputs = SequentialRunner().run(data_processing() + privacy_comparison(), catalog)
    summary = outputs["privacy_comparison_summary"].load()
    report = outputs["privacy_comparison_report"].load()

    variants = summary["variants"]
    assert list(variants) == ["no privacy", "clipping only", "ε = 4", "ε = 0.2"]
    accuracy = {name: v["test_accuracy_mean"] for name, v in variants.items()}
    assert accuracy["no privacy"] > accuracy["ε = 4"] > accuracy["ε = 0.2"]
    assert accuracy["clipping only"] > accuracy["ε = 0.2"]
    assert variants["no privacy"]["epsilon_spent"] is None  # ∞: no guarantee
    assert variants["clipping only"]["epsilon_spent"] is None
    assert variants["clipping only"]["noise_multiplier"] == 0.0
    assert 3.5 < variants["ε = 4"]["epsilon_spent"] <= 4.0
    assert variants["ε = 0.2"]["noise_multiplier"] > variants["ε = 4"]["noise_multiplier"]
    for entry in variants.values():
        runs = entry["runs"]
        assert [r["seed"] for r in runs] == [0, 1]
        assert entry["test_accuracy_mean"] == pytest.approx(
            statistics.fmean(r["test_accuracy"] for r in runs)
        )
        assert 0.0 <= entry["attack_auc_mean"] <= 1.0
        assert all(r["membership_attack"]["rows_each"] == 360 for r in runs)  # the test rows
        assert -1.0 <= entry["explanation_rank_correlation"] <= 1.0
        assert entry["calibration_error_mean"] >= 0
    assert "Privacy comparison" in report and "clipping only" in report
    assert "attack ROC-AUC" in report and "ε = 0.2" in report


def test_a_table_smaller_than_the_batch_trains_with_smaller_batches_and_says_so(tmp_path):
    from glassbox.compare import privacy_comparison as comparison
    from tests.training.test_loop import blobs

    data = blobs(n=150)  # 120 training rows, fewer than the default batch of 256
    X_test, y_test = data.X_val, data.y_val
    runs = comparison.train_all(
        data,
        X_test,
        y_test,
        TrainingParams(progress="never"),
        PrivacyComparisonParams(
            epsilons=[None, 8.0], clip_only=False, seeds=[0], epochs=2, processes=1
        ),
        StudyStorage(None, tmp_path / "s.journal"),
    )
    assert runs["batch_size"] == 30
    assert list(runs["variants"]) == ["no privacy", "ε = 8"]
