"""The trained model in portable forms: a `torch.export` program (.pt2, for PyTorch
runtimes without glassbox's code) and ONNX (for ONNX Runtime and other engines), each
checked against the eager model before it is written."""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn
from torch.export import Dim

from glassbox.prepare.model_input import feature_tensor

# An export agrees with the eager model when every output differs by at most
# ATOL + RTOL * |eager output| (numpy.allclose's rule): float32 kernels that add in another
# order differ by a few units in the last place, so the bound grows with the outputs; a
# confident classifier's logits run into the hundreds.
RTOL = ATOL = 1e-5


def _dynamic_rows() -> tuple[dict[int, Dim]]:
    return ({0: Dim("rows", min=1)},)  # any number of rows per call


# Both exporters record each operation's Python stack trace, with absolute paths of the
# checkout and the virtual environment: dropped, so the files name no local paths and two
# exports of one model agree.


@contextmanager
def _torch_internal_deprecations_silenced():
    """torch 2.13's exporters use a pytree API that torch itself has deprecated: a warning
    about torch's code, not glassbox's or the user's."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"`isinstance\(treespec, LeafSpec\)`", FutureWarning)
        yield


def to_program(model: nn.Module, example: torch.Tensor) -> bytes:
    with _torch_internal_deprecations_silenced():
        program = torch.export.export(model.eval(), (example,), dynamic_shapes=_dynamic_rows())
        for node in program.graph.nodes:
            node.meta.pop("stack_trace", None)
        buffer = io.BytesIO()
        torch.export.save(program, buffer)
    return buffer.getvalue()


def to_onnx(model: nn.Module, example: torch.Tensor) -> bytes:
    with _torch_internal_deprecations_silenced():
        return _to_onnx(model, example)


def _to_onnx(model: nn.Module, example: torch.Tensor) -> bytes:
    exported = torch.onnx.export(
        model.eval(),
        (example,),
        dynamo=True,
        dynamic_shapes=_dynamic_rows(),
        input_names=["features"],
        output_names=["logits"],
        verbose=False,
    )
    proto = exported.model_proto
    for node in proto.graph.node:
        kept = [p for p in node.metadata_props if not p.key.endswith("stack_trace")]
        del node.metadata_props[:]
        node.metadata_props.extend(kept)
    return proto.SerializeToString()


def parity(model: nn.Module, program: bytes, onnx_model: bytes, X: np.ndarray) -> dict:
    """Each export against the eager model on ``X``: max abs logit difference and the share
    of rows with the same predicted class."""
    import onnxruntime

    features = feature_tensor(X)
    with torch.no_grad():
        eager = model.eval()(features).numpy()
        from_program = torch.export.load(io.BytesIO(program)).module()(features).numpy()
    # ONNX Runtime keeps its own pool of spinning threads, one per core; use PyTorch's count
    # (glassbox's thread policy, or the user's choice) instead.
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(onnx_model, options, providers=["CPUExecutionProvider"])
    from_onnx = session.run(["logits"], {"features": features.numpy()})[0]
    allowed = ATOL + RTOL * np.abs(eager)
    # A row whose top two outputs are within the tolerance of each other may flip class
    # without any disagreement: only rows the eager model decides count.
    top_two = np.sort(eager, axis=1)[:, -2:] if eager.shape[1] > 1 else None
    decided = (
        np.ones(len(eager), dtype=bool)
        if top_two is None
        else (top_two[:, 1] - top_two[:, 0]) > 2 * allowed.max(axis=1)
    )
    result = {"rows": int(len(X)), "rtol": RTOL, "atol": ATOL}
    for name, outputs in (("torch_export", from_program), ("onnx", from_onnx)):
        same = outputs.argmax(1) == eager.argmax(1)
        result[name] = {
            "max_abs_difference": float(np.abs(outputs - eager).max()),
            # the largest difference as a share of what the tolerance allows there (≤ 1)
            "max_share_of_tolerance": float((np.abs(outputs - eager) / allowed).max()),
            "same_class_share": float((same | ~decided).mean()),
        }
    return result


def check_parity(result: dict) -> None:
    for name in ("torch_export", "onnx"):
        r = result[name]
        if r["max_share_of_tolerance"] > 1.0 or r["same_class_share"] < 1.0:
            raise RuntimeError(
                f"the {name} export disagrees with the eager model on the test split "
                f"(max abs difference {r['max_abs_difference']:.3g}, "
                f"{r['max_share_of_tolerance']:.3g} times the tolerance "
                f"{result['atol']:g} + {result['rtol']:g}·|output|; same class for "
                f"{r['same_class_share']:.2%} of rows); not writing it"
            )
