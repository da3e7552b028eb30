import io

import numpy as np
import pytest
import torch

from glassbox import model_export
from glassbox.models import build_model


@pytest.fixture
def model():
    torch.manual_seed(0)
    return build_model({"name": "mlp", "input_dim": 6, "hidden_sizes": [8, 4], "output_dim": 3})


def test_both_exports_match_the_eager_model_for_any_number_of_rows(model):
    X = np.random.default_rng(0).normal(size=(50, 6)).astype(np.float32)
    example = torch.from_numpy(X[:2])
    program = model_export.to_program(model, example)
    onnx_model = model_export.to_onnx(model, example)
    result = model_export.parity(model, program, onnx_model, X)  # 50 rows, exported with 2
    for name in ("torch_export", "onnx"):
        assert result[name]["max_abs_difference"] <= 1e-5
        assert result[name]["same_class_share"] == 1.0
    model_export.check_parity(result)
    one_row = torch.export.load(io.BytesIO(program)).module()(torch.from_numpy(X[:1]))
    assert one_row.shape == (1, 3)


def test_a_disagreeing_export_is_refused():
    result = {
        "rows": 10,
        "bound": 1e-5,
        "torch_export": {"max_abs_difference": 0.0, "same_class_share": 1.0},
        "onnx": {"max_abs_difference": 3e-3, "same_class_share": 0.9},
    }
    with pytest.raises(RuntimeError, match="the onnx export disagrees"):
        model_export.check_parity(result)


def test_exports_name_no_local_paths_and_repeat_exactly(model):
    example = torch.zeros(2, 6)
    onnx_model = model_export.to_onnx(model, example)
    assert b"glassbox/models.py" not in onnx_model and b"site-packages" not in onnx_model
    assert model_export.to_onnx(model, example) == onnx_model
    program = model_export.to_program(model, example)
    assert b"site-packages" not in program
