import os
import signal
import subprocess
import sys

import pytest
import torch
from pydantic import BaseModel, ConfigDict, ValidationError
from torch import nn

from glassbox.errors import InputDataError
from glassbox.training import architectures
from glassbox.training.architectures import build_model
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.cnn import CNN
from glassbox.training.loop import TrainingData, train
from glassbox.training.mlp import MLP
from glassbox.training.model_files import load_model, save_model
from glassbox.training.params import TrainingParams
from glassbox.training.resnet import ResNet
from tests.conftest import PROJECT_ROOT, cli_env
from tests.training.test_loop import blobs, model_bytes

# Small settings of every architecture, and data each can take: 16 features that are also
# a 4 x 4 image, one of its pixels dropped (as a constant column would be).
SMALL = {
    "mlp": {"name": "mlp", "hidden_sizes": [16]},
    "cnn": {"name": "cnn", "channels": [4, 8], "hidden": 16, "dropout": 0.1},
    "resnet": {"name": "resnet", "width": 16, "depth": 2},
}
LAYOUT = {"image_shape": [1, 4, 4], "pixel_index": [*range(5), -1, *range(5, 15)]}


def image_blobs(seed: int = 0) -> TrainingData:
    data = blobs(features=15, seed=seed)
    data.image_layout = LAYOUT
    return data


def test_mlp_shapes_and_one_relu_module_per_use():
    model = MLP(input_dim=10, output_dim=3, hidden_sizes=[8, 4])
    assert model(torch.zeros(5, 10)).shape == (5, 3)
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    assert len(relus) == 2 and relus[0] is not relus[1]  # DeepLift needs one module per use


def test_dropout_and_batch_norm_are_optional_layers():
    model = MLP(10, 3, [8], dropout=0.2, batch_norm=True)
    kinds = [type(m) for m in model.layers]
    assert kinds == [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Dropout, nn.Linear]


def test_build_model_round_trips_the_architecture():
    model = MLP(10, 3, [8, 4], dropout=0.1)
    rebuilt = build_model(model.architecture)
    assert rebuilt.architecture == model.architecture


def test_unknown_architecture_lists_the_known_ones():
    with pytest.raises(
        ValueError, match=r"unknown architecture 'vit'; choose one of \['mlp', 'cnn', 'resnet'\]"
    ):
        build_model({"name": "vit"})


class _LinearSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bias: bool = True


class _Linear(nn.Module):
    def __init__(self, input_dim, output_dim, bias=True):
        super().__init__()
        self.architecture = {
            "name": "toy_linear",
            "input_dim": input_dim,
            "output_dim": output_dim,
            "bias": bias,
        }
        self.linear = nn.Linear(input_dim, output_dim, bias=bias)

    def forward(self, x):
        return self.linear(x)


def test_a_registered_architecture_trains_saves_and_loads_through_the_parameters(
    monkeypatch, tmp_path
):
    """Adding an architecture is one registration; its own keys are the only ones taken."""
    monkeypatch.setitem(architectures.ARCHITECTURES, "toy_linear", None)  # removed afterwards
    architectures.register_architecture("toy_linear", _LinearSettings)(_Linear)

    with pytest.raises(ValidationError, match=r"hidden_sizes: Extra inputs.*takes \['bias'\]"):
        TrainingParams(model={"name": "toy_linear", "hidden_sizes": [8]})
    params = TrainingParams(
        model={"name": "toy_linear", "bias": False}, epochs=3, checkpoint_every=0, progress="never"
    )
    assert params.model.settings() == {"bias": False}
    model, history = train(blobs(), params)
    assert isinstance(model, _Linear) and model.linear.bias is None and len(history) == 3
    save_model(model, tmp_path / "model.safetensors")
    loaded = load_model(tmp_path / "model.safetensors")
    assert loaded.architecture == model.architecture
    assert torch.equal(loaded.linear.weight, model.linear.weight)


def test_the_cnn_reads_each_pixel_from_its_place_in_the_row_and_a_dropped_one_as_zero():
    model = CNN(15, 3, **LAYOUT, channels=[2])
    row = torch.arange(1.0, 16.0)[None]
    padded = torch.cat([row, torch.zeros(1, 1)], dim=1)
    image = padded.index_select(1, model.pixels).reshape(1, 1, 4, 4)
    assert image[0, 0, 1, 1] == 0  # pixel 5 was dropped
    assert image[0, 0, 0, 0] == 1 and image[0, 0, 3, 3] == 15
    assert model(row.repeat(3, 1)).shape == (3, 3)
    assert "pixels" not in model.state_dict()  # rebuilt from the architecture, not saved


def test_the_resnet_is_residual_blocks_with_layer_norm_by_default():
    model = ResNet(6, 3, width=8, depth=3)
    assert len(model.blocks) == 3
    assert isinstance(model.blocks[0].branch[0], nn.LayerNorm)
    with torch.no_grad():  # a block with a zero branch passes its input through
        for block in model.blocks:
            block.branch[4].weight.zero_()
            block.branch[4].bias.zero_()
        x = torch.randn(4, 8)
        assert torch.equal(model.blocks(x), x)
    batch = ResNet(6, 3, width=8, normalization="batch_norm")
    assert isinstance(batch.blocks[0].branch[0], nn.BatchNorm1d)
    assert TrainingParams(
        model={"name": "resnet", "normalization": "batch_norm"}
    ).model.uses_batch_statistics()


@pytest.mark.parametrize("name", list(SMALL))
def test_every_architecture_learns_repeats_exactly_and_saves_without_pickle(name, tmp_path):
    data = image_blobs()
    runs = []
    for seed in (3, 3, 4):
        settings = {"epochs": 8, "batch_size": 32, "checkpoint_every": 0, "progress": "never"}
        model, history = train(data, TrainingParams(seed=seed, model=SMALL[name], **settings))
        runs.append(model_bytes(model))
    assert history["val_accuracy"].iloc[-1] > 0.9
    assert runs[0] == runs[1] and runs[0] != runs[2]
    save_model(model, tmp_path / "model.safetensors")
    loaded = load_model(tmp_path / "model.safetensors")
    assert loaded.architecture == model.architecture and loaded.architecture["name"] == name
    X = data.X_val
    assert torch.equal(loaded(X), model.eval()(X))


@pytest.mark.parametrize("name", list(SMALL))
def test_an_unknown_key_of_any_architecture_names_the_keys_it_takes(name):
    with pytest.raises(ValidationError, match=r"colour: Extra inputs.*takes \["):
        TrainingParams(model={**SMALL[name], "colour": "blue"})


def test_a_cnn_on_a_table_without_an_image_shape_says_how_to_fix_it():
    params = TrainingParams(model=SMALL["cnn"], epochs=1, progress="never", checkpoint_every=0)
    with pytest.raises(InputDataError, match=r"needs image-shaped inputs.*dataset.image_shape"):
        train(blobs(), params)


def resumable_params(name: str) -> TrainingParams:
    return TrainingParams(
        model=SMALL[name],  # with dropout: the resumed run must restore the random streams
        epochs=10,
        batch_size=32,
        checkpoint_every=2,
        progress="never",
        early_stopping={"patience": None},
    )


# A training run that prints each checkpoint's epoch and then dawdles, so that the test can
# kill it between two checkpoints, as a power cut or the OOM killer would.
KILLED_RUN = """
import sys, time
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.loop import train
from tests.training.test_architectures import image_blobs, resumable_params

class Slow(CheckpointStore):
    def save(self, state):
        super().save(state)
        print(state["epoch"], flush=True)
        time.sleep(0.5)

train(image_blobs(), resumable_params(sys.argv[1]), Slow(sys.argv[2]))
"""


@pytest.mark.parametrize("name", list(SMALL))
def test_every_architecture_killed_mid_training_resumes_to_the_uninterrupted_weights(
    name, tmp_path
):
    path = tmp_path / "training.pt"
    run = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, name, str(path)],
        cwd=PROJECT_ROOT,
        env={
            **cli_env(PROJECT_ROOT),
            "PYTHONPATH": str(PROJECT_ROOT / "src") + os.pathsep + str(PROJECT_ROOT),
        },
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in run.stdout:  # wait for the checkpoint after epoch 4
        if int(line) >= 4:
            break
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    run.stdout.close()
    assert run.returncode == -signal.SIGKILL
    saved = torch.load(path, weights_only=True)["epoch"]
    assert 4 <= saved < 10  # killed mid-way, after a checkpoint

    resumed, history = train(image_blobs(), resumable_params(name), CheckpointStore(path))
    uninterrupted, _ = train(image_blobs(), resumable_params(name))
    assert len(history) == 10
    assert model_bytes(resumed) == model_bytes(uninterrupted)


def test_each_architecture_keeps_its_settings_under_its_name_so_switching_is_one_edit():
    model = {
        "name": "mlp",
        "mlp": {"hidden_sizes": [8], "dropout": 0.1},
        "cnn": {"channels": [4], "dropout": 0.2},
        "resnet": {"width": 16},
    }
    assert TrainingParams(model=model).model.settings() == {
        "hidden_sizes": [8],
        "dropout": 0.1,
        "batch_norm": False,
    }
    cnn = TrainingParams(model={**model, "name": "cnn"}).model
    assert cnn.settings()["channels"] == [4] and cnn.settings()["dropout"] == 0.2
    # A key given beside the name (a --params override) is the chosen architecture's.
    assert TrainingParams(model={**model, "hidden_sizes": [3]}).model.hidden_sizes == [3]
    # A typo in a section not in use fails now, not after the switch.
    with pytest.raises(ValidationError, match=r"resnet.widht: Extra inputs.*resnet architecture"):
        TrainingParams(model={**model, "resnet": {"widht": 16}})
    with pytest.raises(ValidationError, match=r"channels: Extra inputs.*mlp architecture takes"):
        TrainingParams(model={**model, "channels": [8]})
