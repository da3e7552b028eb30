"""The whole data_processing pipeline on an in-memory catalog."""

from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from glassbox.pipelines.data_processing import create_pipeline
from glassbox.prepare.example import digits_table
from glassbox.prepare.params import DataProcessingParams
from glassbox.wiring.catalog_datasets.preprocessor import PreprocessorDataset


def test_pipeline_on_digits_writes_model_input_and_preprocessor(tmp_path):
    catalog = DataCatalog(
        {
            "raw_data": MemoryDataset(digits_table()),
            "params:data_processing": MemoryDataset(DataProcessingParams(target="digit")),
            # Memory datasets are released once consumed; the preprocessor is, so it goes to a file.
            "preprocessor": PreprocessorDataset(str(tmp_path / "preprocessor.json")),
        }
    )
    outputs = SequentialRunner().run(create_pipeline(), catalog)
    X = {s: outputs[f"X_{s}"].load() for s in ("train", "val", "test")}
    y = {s: outputs[f"y_{s}"].load() for s in ("train", "val", "test")}
    prep = catalog.load("preprocessor")

    assert sum(len(x) for x in X.values()) == 1797
    assert all(len(X[s]) == len(y[s]) for s in X)
    assert all(list(x.columns) == prep.feature_names for x in X.values())
    # Constant pixels (the left and right borders) carry nothing and are dropped.
    assert "pixel_0_0" in prep.dropped_columns and len(prep.feature_names) < 64
    # Scaling was fitted on the training split: its columns have mean 0 there.
    assert X["train"].mean().abs().max() < 1e-5
    assert prep.classes == list(range(10))
