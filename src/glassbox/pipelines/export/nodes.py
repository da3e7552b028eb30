"""Nodes of the export pipeline: thin adapters over glassbox.deploy.export and model_card."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from glassbox.deploy import model_card
from glassbox.prepare.model_input import check_features, check_model_fits, feature_tensor
from glassbox.prepare.params import DataProcessingParams
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training import Network
from glassbox.training.params import TrainingParams


def export_model(
    model: Network, X_test: pd.DataFrame, preprocessor: Preprocessor
) -> tuple[bytes, bytes, dict]:
    """The model as a torch.export program and as ONNX, each checked on the test split
    (every output within 1e-5 + 1e-5·|output| of the eager model's, the same class for
    every row the eager model decides) before it is written."""
    from glassbox.deploy import export as model_export

    check_features(preprocessor, X_test=X_test)
    check_model_fits(model, preprocessor)
    X = X_test.to_numpy("float32")
    example = feature_tensor(X[:2])
    program, onnx_model = (
        model_export.to_program(model, example),
        model_export.to_onnx(model, example),
    )
    result = model_export.parity(model, program, onnx_model, X)
    model_export.check_parity(result)
    return program, onnx_model, result


def write_model_card(
    model: Network,
    export_check: dict,
    preprocessor: Preprocessor,
    raw_data: pd.DataFrame,
    evaluation_details: dict,
    explainability_summary: dict,
    training: TrainingParams,
    data_processing: DataProcessingParams,
) -> tuple[dict, str]:
    """The model card as JSON and Markdown."""
    card = model_card.build_card(
        architecture=dict(model.architecture),
        parameter_count=sum(p.numel() for p in model.parameters()),
        preprocessor=preprocessor,
        raw_data=raw_data,
        training=training.model_dump(mode="json"),
        data_processing=data_processing.model_dump(mode="json"),
        metrics=evaluation_details,
        explainability_summary=explainability_summary,
        export_check=export_check,
        revisions=model_card.revisions(Path.cwd()),  # kedro and dvc run from the project root
    )
    return card, model_card.render_markdown(card)
