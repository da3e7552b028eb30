import io

import pytest
import torch

from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.loop import HISTORY_COLUMNS, TrainingData, evaluate, train
from glassbox.training.model_files import save_model
from glassbox.training.params import TrainingParams


def blobs(n=400, features=6, classes=3, seed=0) -> TrainingData:
    """Separable clusters: a small problem any working loop learns."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(classes, features, generator=g) * 3
    y = torch.randint(0, classes, (n,), generator=g)
    X = centres[y] + torch.randn(n, features, generator=g)
    cut = int(n * 0.8)
    return TrainingData(X[:cut], y[:cut], X[cut:], y[cut:], n_classes=classes)


def params(**overrides) -> TrainingParams:
    base = {"epochs": 15, "batch_size": 32, "checkpoint_every": 0, "progress": "never"}
    return TrainingParams(**{**base, **overrides})


def model_bytes(model) -> bytes:
    return b"".join(v.numpy().tobytes() for v in model.state_dict().values())


def test_training_learns_and_writes_one_history_row_per_epoch():
    data = blobs()
    model, history = train(data, params(early_stopping={"patience": None}))
    assert list(history.columns) == HISTORY_COLUMNS and len(history) == 15
    assert history["epoch"].tolist() == list(range(1, 16))
    assert history["val_accuracy"].iloc[-1] > 0.9
    assert history["train_loss"].iloc[-1] < history["train_loss"].iloc[0]
    assert (history["epoch_seconds"] > 0).all()


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    data = blobs()
    paths = []
    for i, seed in enumerate((7, 7, 8)):
        model, _ = train(data, params(seed=seed, model={"dropout": 0.2}))
        paths.append(tmp_path / f"m{i}.safetensors")
        save_model(model, paths[-1])
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_early_stopping_restores_the_best_weights():
    data = blobs(n=200)
    # A large step makes validation loss bounce, so the last epoch is not the best one.
    model, history = train(
        data,
        params(epochs=60, optimizer={"name": "sgd", "lr": 2.0}, early_stopping={"patience": 5}),
    )
    assert len(history) < 60
    best = history["val_loss"].min()
    val_loss, _ = evaluate(model, data.X_val, data.y_val, torch.nn.CrossEntropyLoss())
    assert val_loss == pytest.approx(best, rel=1e-6)
    assert history["val_loss"].iloc[-1] > best


# plateau needs a validation loss that stops improving: a step large enough to bounce.
@pytest.mark.parametrize(
    ("schedule", "lr"), [("step", 0.05), ("cosine", 0.05), ("plateau", 2.0), ("onecycle", 0.05)]
)
def test_schedules_change_the_learning_rate(schedule, lr):
    _, history = train(
        blobs(),
        params(
            scheduler={"name": schedule, "step_size": 2, "patience": 0, "gamma": 0.5},
            optimizer={"name": "sgd", "lr": lr},
            early_stopping={"patience": None},
        ),
    )
    assert history["lr"].nunique() > 1


def test_gradient_clipping_and_batch_norm_train():
    _, history = train(
        blobs(), params(grad_clip_norm=0.5, model={"batch_norm": True}, batch_size=33)
    )
    assert history["val_accuracy"].max() > 0.9


def test_resume_from_a_checkpoint_matches_an_uninterrupted_run(tmp_path):
    data = blobs()
    full, _ = train(data, params(epochs=12, early_stopping={"patience": None}))

    # Die right after the checkpoint of epoch 6, the way a crash would.
    store = CheckpointStore(tmp_path / "ckpt.pt")
    interrupted = params(epochs=12, checkpoint_every=3, early_stopping={"patience": None})
    _save_state_after(data, interrupted, store, epochs=6)
    assert store.path.exists()

    resumed, history = train(data, interrupted, store)
    assert len(history) == 12
    assert model_bytes(resumed) == model_bytes(full)


def test_a_finished_run_clears_its_checkpoint(tmp_path):
    store = CheckpointStore(tmp_path / "ckpt.pt")
    train(blobs(), params(epochs=6, checkpoint_every=3), store)
    assert not store.path.exists()


def _save_state_after(data, run_params, store, epochs):
    """Run ``run_params`` but die right after the checkpoint of ``epochs``."""

    class Crash(Exception):
        pass

    class CrashingStore(CheckpointStore):
        def save(self, state):
            super().save(state)
            if state["epoch"] >= epochs:
                raise Crash

    with pytest.raises(Crash):
        train(data, run_params, CrashingStore(store.path))


def test_a_checkpoint_of_another_configuration_is_ignored(tmp_path):
    data = blobs()
    store = CheckpointStore(tmp_path / "ckpt.pt")
    run = params(epochs=10, checkpoint_every=2, early_stopping={"patience": None})
    _save_state_after(data, run, store, epochs=4)
    _, history = train(data, params(epochs=10, seed=99, early_stopping={"patience": None}), store)
    assert history["epoch"].iloc[0] == 1  # started fresh


def test_checkpoints_load_without_unpickling(tmp_path):
    data = blobs()
    store = CheckpointStore(tmp_path / "ckpt.pt")
    _save_state_after(data, params(epochs=10, checkpoint_every=2), store, epochs=2)
    state = torch.load(io.BytesIO(store.path.read_bytes()), weights_only=True)
    assert state["epoch"] == 2 and "optimizer" in state
