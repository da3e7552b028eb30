import typing

import pytest
import torch

from glassbox.parameters import OptimizerName, SchedulerName
from glassbox.training.optimizers import (
    OPTIMIZER_NAMES,
    SCHEDULER_NAMES,
    build_optimizer,
    build_scheduler,
    default_lr,
)


def _params():
    return [torch.nn.Parameter(torch.ones(3))]


def test_parameter_models_list_exactly_the_buildable_names():
    assert set(typing.get_args(OptimizerName)) == set(OPTIMIZER_NAMES)
    assert set(typing.get_args(SchedulerName)) == set(SCHEDULER_NAMES)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_every_optimizer_builds_with_its_default_lr_and_steps(name):
    params = _params()
    optimizer = build_optimizer(name, params)
    assert optimizer.param_groups[0]["lr"] == default_lr(name)
    params[0].sum().backward()
    optimizer.step()
    assert not torch.equal(params[0].detach(), torch.ones(3))


def test_momentum_variants_and_weight_decay_defaults():
    assert build_optimizer("momentum", _params()).param_groups[0]["momentum"] == 0.9
    assert build_optimizer("nesterov", _params()).param_groups[0]["nesterov"] is True
    assert build_optimizer("adamw", _params()).param_groups[0]["weight_decay"] == 0.01
    assert (
        build_optimizer("adamw", _params(), weight_decay=0.0).param_groups[0]["weight_decay"] == 0
    )


def test_unknown_optimizer_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown optimizer 'lion'; choose one of .*'adamw'"):
        build_optimizer("lion", _params())


@pytest.mark.parametrize("optimizer_name", OPTIMIZER_NAMES)
@pytest.mark.parametrize("name", SCHEDULER_NAMES)
def test_every_schedule_builds_and_steps_with_every_optimizer(name, optimizer_name):
    # (onecycle once refused Adagrad, which has no momentum to cycle)
    optimizer = build_optimizer(optimizer_name, _params(), lr=0.1)
    scheduler = build_scheduler(name, optimizer, epochs=10, steps_per_epoch=2, step_size=1)
    if scheduler is None:
        assert name == "none"
        return
    optimizer.step()
    scheduler.step(1.0) if name == "plateau" else scheduler.step()
    assert optimizer.param_groups[0]["lr"] > 0
