"""Progress lines at a steady pace (glassbox.progress), and from the training loops."""

import logging

import torch

from glassbox.progress import Progress
from glassbox.training.loop import TrainingData, train
from glassbox.training.params import TrainingParams
from glassbox.training.stacked import stacked_run, train_stacked


def test_a_line_at_most_every_interval_with_the_best_value_and_the_time_left():
    quiet = Progress("tuning", 10, "trials", every=3600)
    assert [quiet.step(best="x") for _ in range(10)] == [None] * 10  # a short node says nothing
    steady = Progress("tuning", 4, "trials", every=0)
    lines = [steady.step(best="best validation loss 0.12") for _ in range(4)]
    assert lines[-1] is None  # the last step is the node's own "done" line
    assert lines[0].startswith("tuning: 1/4 trials, best validation loss 0.12; ")
    assert "so far, about" in lines[0] and lines[0].endswith(" left")


def _data():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(300, 5, generator=g)
    y = (X[:, 0] > 0).long()
    return TrainingData(X[:200], y[:200], X[200:], y[200:], n_classes=2)


def test_training_and_stacked_training_report_progress_in_a_log(monkeypatch, caplog):
    monkeypatch.setattr("glassbox.progress.EVERY_SECONDS", 0.0)  # a line after each epoch
    params = TrainingParams(epochs=3, checkpoint_every=0, early_stopping={"patience": None})
    with caplog.at_level(logging.INFO, logger="glassbox.progress"):
        train(_data(), params)
        train_stacked(_data(), [stacked_run(params, seed=s) for s in (0, 1)])
        train(_data(), params.model_copy(update={"progress": "never"}))
    lines = [r.getMessage() for r in caplog.records if r.name == "glassbox.progress"]
    assert [line.split(",")[0] for line in lines] == [
        "training: 1/3 epochs",
        "training: 2/3 epochs",
        "training 2 runs together: 1/3 epochs",
        "training 2 runs together: 2/3 epochs",
    ]  # and nothing with progress: never
    assert "best validation loss" in lines[0] and "2 still improving" in lines[2]


def test_a_heartbeat_says_what_a_long_block_is_on_and_nothing_when_it_ends_sooner(caplog):
    import time

    from glassbox.evaluate.baselines import fit_regression_baselines
    from glassbox.progress import Heartbeat

    with caplog.at_level(logging.INFO, logger="glassbox.progress"):
        with Heartbeat("fitting", every=0.05) as beat:
            beat.doing("the forest (5 of 5)")
            time.sleep(0.3)
        lines = [r.getMessage() for r in caplog.records]
        assert lines and lines[0].startswith("fitting: the forest (5 of 5); ")
        assert lines[0].endswith(" s so far")
        caplog.clear()
        X = torch.randn(60, 3, generator=torch.Generator().manual_seed(0)).numpy()
        fit_regression_baselines(X, X[:, 0], [4], seed=0)  # well within ten seconds
    assert caplog.records == []


def test_a_quiet_watch_speaks_only_when_nothing_else_was_logged_for_a_while(caplog):
    import time

    from glassbox.progress import QuietWatch

    chatty = logging.getLogger("glassbox.training.loop")
    with caplog.at_level(logging.INFO):
        with QuietWatch("train_model", every=0.2):
            for _ in range(8):  # a line every 0.1 s: never quiet for 0.2 s
                chatty.info("epoch")
                time.sleep(0.1)
        assert [r.getMessage() for r in caplog.records] == ["epoch"] * 8
        caplog.clear()
        with QuietWatch("score_model_and_baselines", every=0.2):
            time.sleep(0.7)
    lines = [r.getMessage() for r in caplog.records]
    assert 2 <= len(lines) <= 4, lines  # one per quiet 0.2 s
    assert all(line.startswith("score_model_and_baselines: still running, ") for line in lines)
    assert not [h for h in logging.getLogger().handlers if isinstance(h, QuietWatch)]  # removed
