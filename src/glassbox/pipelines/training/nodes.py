"""Nodes of the training pipeline: thin adapters over glassbox.training.loop."""

from __future__ import annotations

import logging

import pandas as pd

from glassbox.prepare.model_input import check_features
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.thread_policy import describe as describe_threads
from glassbox.training import Network
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.losses import check_loss_fits
from glassbox.training.params import TrainingParams

log = logging.getLogger(__name__)


def train_model(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_val: pd.DataFrame,
    y_val: pd.DataFrame,
    preprocessor: Preprocessor,
    params: TrainingParams,
    checkpoints: CheckpointStore,
) -> tuple[Network, pd.DataFrame, dict]:
    """Train the configured model for the preprocessor's task (classes, or a value), in
    this process or data-parallel across several (`training.distributed`); and say how
    private it is (`training.privacy`: the plan and the spent ε)."""
    from glassbox.training.distributed import train_as_configured
    from glassbox.training.loop import TrainingData, choose_device

    check_loss_fits(params.loss.name, preprocessor.task)  # before any work
    check_features(preprocessor, X_train=X_train, X_val=X_val)
    data = TrainingData.for_preprocessor(preprocessor, X_train, y_train, X_val, y_val)
    log.info("training on %s with %s", choose_device(params.device), describe_threads())
    model, history = train_as_configured(data, params, checkpoints)
    return model, history, history.attrs.get("privacy", {"enabled": False})
