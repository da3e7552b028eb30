import io

import numpy as np
import pytest
import torch

from glassbox.deploy import export as model_export
from glassbox.training.architectures import build_model
from glassbox.training.params import TrainingParams
from tests.training.test_architectures import LAYOUT, SMALL


@pytest.fixture
def model():
    torch.manual_seed(0)
    return build_model({"name": "mlp", "input_dim": 6, "hidden_sizes": [8, 4], "output_dim": 3})


def small_model(name: str) -> torch.nn.Module:
    """An untrained model of each architecture on 15 features (for the CNN: a 4 x 4 image
    with one pixel dropped)."""
    settings = TrainingParams(model=SMALL[name]).model.model_dump()
    extra = LAYOUT if name == "cnn" else {}
    torch.manual_seed(0)
    return build_model({**settings, "input_dim": 15, "output_dim": 3, **extra}).eval()


@pytest.mark.parametrize("name", list(SMALL))
def test_every_architecture_exports_to_both_formats_with_parity(name):
    model = small_model(name)
    X = np.random.default_rng(1).normal(size=(40, 15)).astype(np.float32)
    example = torch.from_numpy(X[:2])
    program = model_export.to_program(model, example)
    onnx_model = model_export.to_onnx(model, example)
    result = model_export.parity(model, program, onnx_model, X)  # 40 rows, exported with 2
    model_export.check_parity(result)
    for fmt in ("torch_export", "onnx"):
        assert result[fmt]["max_abs_difference"] <= 1e-5


def test_both_exports_match_the_eager_model_for_any_number_of_rows(model):
    X = np.random.default_rng(0).normal(size=(50, 6)).astype(np.float32)
    example = torch.from_numpy(X[:2])
    program = model_export.to_program(model, example)
    onnx_model = model_export.to_onnx(model, example)
    result = model_export.parity(model, program, onnx_model, X)  # 50 rows, exported with 2
    for name in ("torch_export", "onnx"):
        assert result[name]["max_abs_difference"] <= 1e-5
        assert result[name]["max_share_of_tolerance"] <= 1.0
        assert result[name]["same_class_share"] == 1.0
    model_export.check_parity(result)
    one_row = torch.export.load(io.BytesIO(program)).module()(torch.from_numpy(X[:1]))
    assert one_row.shape == (1, 3)


def test_a_disagreeing_export_is_refused():
    result = {
        "rows": 10,
        "rtol": 1e-5,
        "atol": 1e-5,
        "torch_export": {
            "max_abs_difference": 0.0,
            "max_share_of_tolerance": 0.0,
            "same_class_share": 1.0,
        },
        "onnx": {
            "max_abs_difference": 3e-3,
            "max_share_of_tolerance": 150.0,
            "same_class_share": 0.9,
        },
    }
    with pytest.raises(RuntimeError, match="the onnx export disagrees"):
        model_export.check_parity(result)


def test_exports_name_no_local_paths_and_repeat_exactly(model):
    example = torch.zeros(2, 6)
    onnx_model = model_export.to_onnx(model, example)
    assert (
        b"glassbox/training/architectures.py" not in onnx_model
        and b"site-packages" not in onnx_model
    )
    assert model_export.to_onnx(model, example) == onnx_model
    program = model_export.to_program(model, example)
    assert b"site-packages" not in program


def confident_model() -> tuple[torch.nn.Module, np.ndarray]:
    """A classifier trained to near certainty on well-separated classes: logits in the
    hundreds, where float32 kernels that add in another order differ by more than 1e-5."""
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=20.0, size=(4, 6))
    labels = rng.integers(0, 4, size=400)
    X = (centres[labels] + rng.normal(size=(400, 6))).astype(np.float32)
    torch.manual_seed(0)
    model = build_model({"name": "mlp", "input_dim": 6, "hidden_sizes": [64, 64], "output_dim": 4})
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    features, targets = torch.from_numpy(X), torch.from_numpy(labels)
    for _ in range(300):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(features), targets).backward()
        optimizer.step()
    return model.eval(), X


def test_a_confident_models_exports_pass_and_a_perturbed_export_fails():
    import onnx
    from onnx import numpy_helper

    model, X = confident_model()
    with torch.no_grad():
        assert model(torch.from_numpy(X)).abs().max() > 100  # confident: large logits
    example = torch.from_numpy(X[:2])
    program = model_export.to_program(model, example)
    onnx_bytes = model_export.to_onnx(model, example)
    model_export.check_parity(model_export.parity(model, program, onnx_bytes, X))

    # One weight of the exported ONNX model changed by 1 %: a real mismatch is still caught.
    proto = onnx.load_from_string(onnx_bytes)
    weight = max(proto.graph.initializer, key=lambda t: np.prod(t.dims))
    values = numpy_helper.to_array(weight).copy()
    values.flat[0] *= 1.01
    weight.CopyFrom(numpy_helper.from_array(values, weight.name))
    perturbed = model_export.parity(model, program, proto.SerializeToString(), X)
    assert perturbed["onnx"]["max_share_of_tolerance"] > 1.0
    with pytest.raises(RuntimeError, match="the onnx export disagrees"):
        model_export.check_parity(perturbed)
