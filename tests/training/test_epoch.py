"""The rules of an epoch (glassbox.training.epoch), which the single and the stacked loop
share: batches, the batch-norm skip, when a schedule steps, clipping before the step."""

import torch

from glassbox.training.epoch import Optimization, batch_slices, history_row, train_epoch
from glassbox.training.loop import history_columns
from glassbox.training.params import TrainingParams


def test_batches_cover_every_row_once_for_one_run_or_many():
    order = torch.tensor([4, 0, 3, 1, 2])
    assert [b.tolist() for b in batch_slices(order, 2)] == [[4, 0], [3, 1], [2]]
    stacked = torch.stack([order, order.flip(0)])  # one order per run
    shapes = [tuple(b.shape) for b in batch_slices(stacked, 2)]
    assert shapes == [(2, 2), (2, 2), (2, 1)]


def test_a_one_row_batch_is_skipped_only_under_batch_norm():
    order = torch.arange(5)
    seen = []

    def train_batch(index):
        seen.append(index.tolist())
        return torch.tensor(float(len(index)))

    total, rows = train_epoch(batch_slices(order, 2), train_batch, True, torch.zeros(()))
    assert seen == [[0, 1], [2, 3]] and rows == 4 and total.item() == 4.0
    seen.clear()
    total, rows = train_epoch(batch_slices(order, 2), train_batch, False, torch.zeros(()))
    assert seen[-1] == [4] and rows == 5 and total.item() == 5.0


def _optimization(**scheduler) -> tuple[Optimization, torch.nn.Parameter]:
    weight = torch.nn.Parameter(torch.ones(2))
    training = TrainingParams(
        epochs=4, optimizer={"name": "sgd", "lr": 0.1}, scheduler=scheduler, progress="never"
    )
    return Optimization.build(training, [weight], steps_per_epoch=3), weight


def _batch(optimization: Optimization, weight, clip=None) -> None:
    optimization.optimizer.zero_grad()
    (weight * 10).sum().backward()
    optimization.step(clip)


def test_each_schedule_steps_when_it_says():
    per_epoch, weight = _optimization(name="step", step_size=1, gamma=0.5)
    for _ in range(3):
        _batch(per_epoch, weight)
    assert per_epoch.lr == 0.1  # not after batches
    per_epoch.after_epoch(val_loss=1.0)
    assert per_epoch.lr == 0.05

    per_batch, weight = _optimization(name="onecycle")
    rates = [per_batch.lr]
    for _ in range(3):
        _batch(per_batch, weight)
        rates.append(per_batch.lr)
    assert len(set(rates)) == 4  # a new rate after every batch
    per_batch.after_epoch(val_loss=1.0)
    assert per_batch.lr == rates[-1]  # and none at the epoch's end

    on_loss, weight = _optimization(name="plateau", patience=0, gamma=0.5)
    on_loss.after_epoch(val_loss=1.0)
    on_loss.after_epoch(val_loss=1.0)  # no improvement, patience 0: the rate drops
    assert on_loss.lr == 0.05


def test_the_gradient_is_clipped_before_the_step():
    optimization, weight = _optimization()
    before = weight.detach().clone()
    _batch(optimization, weight, clip=lambda: torch.nn.utils.clip_grad_norm_([weight], 1.0))
    # the gradient (10, 10) clipped to norm 1, then one step of 0.1
    assert torch.allclose(before - weight.detach(), torch.full((2,), 0.1 / 2**0.5))


def test_a_history_row_has_the_histories_columns():
    row = history_row(3, 0.5, 0.4, ("val_accuracy", 0.9), 0.01, 1.5)
    assert list(row) == history_columns("classification")
