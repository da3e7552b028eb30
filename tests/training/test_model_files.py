import json

import pytest
import torch
from safetensors.torch import save_file

from glassbox.errors import InputDataError
from glassbox.training.mlp import MLP
from glassbox.training.model_files import FORMAT, load_model, save_model
from glassbox.wiring.catalog_datasets.torch_model import TorchModelDataset


def test_catalog_round_trip_gives_a_ready_module(tmp_path):
    model = MLP(5, 3, [4])
    dataset = TorchModelDataset(str(tmp_path / "model.safetensors"))
    dataset.save(model)
    loaded = dataset.load()
    assert isinstance(loaded, torch.nn.Module) and not loaded.training
    x = torch.randn(2, 5)
    assert torch.equal(loaded(x), model.eval()(x))


def test_truncated_file_fails_clearly(tmp_path):
    path = tmp_path / "model.safetensors"
    save_model(MLP(5, 3, [4]), path)
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(InputDataError, match="not a readable safetensors file"):
        load_model(path)


def test_weights_of_another_architecture_fail_clearly(tmp_path):
    path = tmp_path / "model.safetensors"
    other = MLP(5, 3, [7])
    declared = json.dumps({"format": FORMAT, "architecture": MLP(5, 3, [4]).architecture})
    save_file(dict(other.state_dict()), str(path), metadata={"glassbox": declared})
    with pytest.raises(InputDataError, match="does not match its declared architecture"):
        load_model(path)


def test_a_foreign_safetensors_file_is_refused(tmp_path):
    path = tmp_path / "model.safetensors"
    save_file({"w": torch.zeros(2)}, str(path))
    with pytest.raises(InputDataError, match="was not written by glassbox"):
        load_model(path)


def test_saving_is_byte_for_byte_reproducible(tmp_path):
    model = MLP(5, 3, [4])
    for i in range(6):  # an unordered metadata map would differ here about half the time
        save_model(model, tmp_path / f"{i}.safetensors")
    contents = {(tmp_path / f"{i}.safetensors").read_bytes() for i in range(6)}
    assert len(contents) == 1
