"""The training pipeline on an in-memory catalog, fed by the data_processing pipeline."""

from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.training import create_pipeline as training
from glassbox.prepare.example import digits_table
from glassbox.prepare.params import DataProcessingParams
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.loop import HISTORY_COLUMNS
from glassbox.training.params import TrainingParams
from glassbox.wiring.catalog_datasets.preprocessor import PreprocessorDataset


def test_training_pipeline_gives_a_model_for_the_data_and_a_history(tmp_path):
    catalog = DataCatalog(
        {
            "raw_data": MemoryDataset(digits_table()),
            "params:data_processing": MemoryDataset(DataProcessingParams(target="digit")),
            "params:training": MemoryDataset(TrainingParams(epochs=4, progress="never")),
            "preprocessor": PreprocessorDataset(str(tmp_path / "preprocessor.json")),
            "training_checkpoint": MemoryDataset(CheckpointStore(tmp_path / "ckpt.pt")),
        }
    )
    outputs = SequentialRunner().run(data_processing() + training(), catalog)
    model = outputs["model"].load()
    history = outputs["training_history"].load()
    prep = catalog.load("preprocessor")
    assert model.architecture["input_dim"] == len(prep.feature_names)
    assert model.architecture["output_dim"] == 10
    assert list(history.columns) == HISTORY_COLUMNS and len(history) == 4
    assert history["val_accuracy"].iloc[-1] > 0.8
