"""Where the loss is chosen, by name (`training.loss`): a registry, each loss with the task
it fits. ``auto`` picks the task's first registered loss (cross-entropy, MSE).

PyTorch's own losses where it has them; focal loss in glassbox.training.focal_loss. This
module imports torch only inside the builders, so the parameters (which take their allowed
names from here) are checked before a run without loading it. Adding a loss is one
``register_loss`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from glassbox.errors import InputDataError
from glassbox.tasks import CLASSIFICATION, REGRESSION, get_task


@dataclass(frozen=True)
class Loss:
    task: str
    build: Callable  # (LossParams, class weights or None) -> nn.Module(outputs, targets)


LOSSES: dict[str, Loss] = {}


def register_loss(name: str, task: str):
    """Decorator: ``build(params, weight)`` becomes loss ``name`` for ``task``."""

    def register(build: Callable) -> Callable:
        LOSSES[name] = Loss(task, build)
        return build

    return register


def losses_for(task: str) -> list[str]:
    return [name for name, loss in LOSSES.items() if loss.task == task]


def resolve_loss_name(name: str, task: str) -> str:
    """The loss a name stands for on this task: `auto` is the task's first (its usual) loss."""
    return losses_for(task)[0] if name == "auto" else name


def check_loss_fits(name: str, task: str) -> None:
    fitting = losses_for(task)
    if resolve_loss_name(name, task) not in fitting:
        raise InputDataError(
            f"training.loss.name is {name!r}, a {LOSSES[name].task} loss, but the task is "
            f"{task} (data_processing.task). For {task} use one of {fitting}."
        )


def balanced_weights(y_train, n_classes: int):
    """n_rows / (n_classes * rows of the class), as scikit-learn's class_weight='balanced'."""
    import torch

    counts = torch.bincount(y_train, minlength=n_classes).clamp(min=1).float()
    return len(y_train) / (n_classes * counts)


def build_loss(params, task: str, y_train, n_classes: int):
    """The configured loss (``params``: LossParams) as a module (outputs, targets) -> loss."""
    check_loss_fits(params.name, task)
    weight = None
    if get_task(task).predicts_classes and params.class_weights == "balanced":
        weight = balanced_weights(y_train.cpu(), n_classes).to(y_train.device)
    return LOSSES[resolve_loss_name(params.name, task)].build(params, weight)


def per_row(loss_fn):
    """The same loss, one value per row (each weighted by its class weight, if any): what
    private training clips row by row."""
    import copy

    unreduced = copy.copy(loss_fn)  # the module's buffers (class weights) are shared
    unreduced.reduction = "none"
    return unreduced


@register_loss("cross_entropy", task=CLASSIFICATION)
def _cross_entropy(params, weight):
    from torch import nn

    return nn.CrossEntropyLoss(weight=weight)


@register_loss("label_smoothing", task=CLASSIFICATION)
def _label_smoothing(params, weight):
    from torch import nn

    return nn.CrossEntropyLoss(weight=weight, label_smoothing=params.label_smoothing)


@register_loss("focal", task=CLASSIFICATION)
def _focal(params, weight):
    from glassbox.training.focal_loss import FocalLoss

    return FocalLoss(params.focal_gamma, weight)


@register_loss("mse", task=REGRESSION)
def _mse(params, weight):
    from torch import nn

    return nn.MSELoss()


@register_loss("mae", task=REGRESSION)
def _mae(params, weight):
    from torch import nn

    return nn.L1Loss()


@register_loss("huber", task=REGRESSION)
def _huber(params, weight):
    from torch import nn

    return nn.HuberLoss(delta=params.huber_delta)
