import pytest
import torch
from pydantic import ValidationError

from glassbox.training import optimizers
from glassbox.training.loop import train
from glassbox.training.optimizers import (
    OPTIMIZER_NAMES,
    SCHEDULER_NAMES,
    build_optimizer,
    build_scheduler,
    default_lr,
)
from glassbox.training.params import OptimizerParams, SchedulerParams, TrainingParams
from tests.training.test_loop import blobs


def _params():
    return [torch.nn.Parameter(torch.ones(3))]


def _optimizer(name: str, **settings):
    return build_optimizer(OptimizerParams(name=name, **settings), _params())


def test_the_parameters_accept_exactly_the_registered_names():
    for name in OPTIMIZER_NAMES:
        assert OptimizerParams(name=name).name == name
    for name in SCHEDULER_NAMES:
        assert SchedulerParams(name=name).name == name
    with pytest.raises(ValidationError, match="unknown optimizer 'lion'; choose one of"):
        OptimizerParams(name="lion")
    with pytest.raises(ValidationError, match="unknown schedule 'warmup'; choose one of"):
        SchedulerParams(name="warmup")


def test_a_registered_optimizer_and_schedule_train_through_the_parameters(monkeypatch):
    """Adding an optimizer or a schedule is one registration: the parameters accept it and
    training uses it, its builder receiving the whole settings group (so a new
    hyperparameter is a field of the group and the builder's line that reads it). The
    registries are restored afterwards."""
    monkeypatch.setitem(optimizers.OPTIMIZERS, "signsgd", optimizers.OPTIMIZERS["sgd"])
    calls = []

    @optimizers.register_optimizer("signsgd", default_lr=0.01)
    def _signsgd(parameters, settings):
        calls.append((settings.lr, settings.momentum))
        return torch.optim.SGD(parameters, lr=settings.lr)

    monkeypatch.setitem(optimizers.SCHEDULES, "halving", None)

    @optimizers.register_schedule("halving", steps="epoch")
    def _halving(optimizer, settings, epochs, steps_per_epoch):
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=settings.gamma)

    data = blobs(n=120)
    params = TrainingParams(
        epochs=3,
        optimizer={"name": "signsgd", "momentum": 0.5},
        scheduler={"name": "halving", "gamma": 0.5},
        checkpoint_every=0,
        progress="never",
    )
    _, history = train(data, params)
    assert calls == [(0.01, 0.5)]  # the default rate filled in, the group's own momentum
    assert history["lr"].tolist() == [0.01, 0.005, 0.0025]


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_every_optimizer_builds_with_its_default_lr_and_steps(name):
    params = _params()
    optimizer = build_optimizer(OptimizerParams(name=name), params)
    assert optimizer.param_groups[0]["lr"] == default_lr(name)
    params[0].sum().backward()
    optimizer.step()
    assert not torch.equal(params[0].detach(), torch.ones(3))


def test_momentum_variants_and_weight_decay_defaults():
    assert _optimizer("momentum").param_groups[0]["momentum"] == 0.9
    assert _optimizer("momentum", momentum=0.5).param_groups[0]["momentum"] == 0.5
    assert _optimizer("nesterov").param_groups[0]["nesterov"] is True
    assert _optimizer("adamw").param_groups[0]["weight_decay"] == 0.01
    assert _optimizer("adamw", weight_decay=0.0).param_groups[0]["weight_decay"] == 0


def test_unknown_optimizer_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown optimizer 'lion'; choose one of .*'adamw'"):
        # (the parameters refuse it first; the builder checks on its own too)
        build_optimizer(OptimizerParams.model_construct(name="lion"), _params())


@pytest.mark.parametrize("optimizer_name", OPTIMIZER_NAMES)
@pytest.mark.parametrize("name", SCHEDULER_NAMES)
def test_every_schedule_builds_and_steps_with_every_optimizer(name, optimizer_name):
    # (onecycle once refused Adagrad, which has no momentum to cycle)
    optimizer = _optimizer(optimizer_name, lr=0.1)
    scheduler = build_scheduler(
        SchedulerParams(name=name, step_size=1), optimizer, epochs=10, steps_per_epoch=2
    )
    if scheduler is None:
        assert name == "none"
        return
    optimizer.step()
    scheduler.step(1.0) if name == "plateau" else scheduler.step()
    assert optimizer.param_groups[0]["lr"] > 0
