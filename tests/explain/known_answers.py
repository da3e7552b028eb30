"""Tables whose answer is known (the label depends on a few planted features) and models
trained on them, shared by the explanation tests (each built once per test process)."""

import functools

import torch

from glassbox.explain import methods as ex
from glassbox.training.loop import TrainingData, train
from glassbox.training.params import TrainingParams

INFORMATIVE = [3, 7, 11, 14, 18]  # of 20 features


GRADIENT_METHODS = [n for n in ex.METHOD_NAMES if ex.METHODS[n].gradients]


@functools.cache
def known_answer(architecture: str):
    """The label depends only on five known features out of twenty; a model of
    ``architecture`` (its default settings) trained on it."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(3000, 20, generator=g)
    score = X[:, INFORMATIVE] @ torch.tensor([1.5, -1.2, 1.0, 1.3, -1.1])
    y = (score > 0).long() + (score > 1.5).long()  # three classes
    data = TrainingData(X[:2400], y[:2400], X[2400:2700], y[2400:2700], n_classes=3)
    params = TrainingParams(
        model={"name": architecture}, epochs=60, progress="never", checkpoint_every=0
    )
    model, _ = train(data, params)
    return model, X[2700:], y[2700:], X[:2400]


@functools.cache
def known_regression():
    """A numeric target that depends only on the same five features out of twenty."""
    g = torch.Generator().manual_seed(1)
    X = torch.randn(3000, 20, generator=g)
    y = X[:, INFORMATIVE] @ torch.tensor([1.5, -1.2, 1.0, 1.3, -1.1]) + 0.1 * torch.randn(
        3000, generator=g
    )
    data = TrainingData(
        X[:2400], y[:2400], X[2400:2700], y[2400:2700], n_classes=0, task="regression"
    )
    params = TrainingParams(epochs=60, progress="never", checkpoint_every=0, loss={"name": "mse"})
    model, _ = train(data, params)
    return model, X[2700:], y[2700:], X[:2400]


@functools.cache
def seed_models(architecture: str = "mlp"):
    """The known-answer model retrained with three seeds (together, as the pipeline does)."""
    from glassbox.training.stacked import train_stacked

    g = torch.Generator().manual_seed(0)
    X = torch.randn(3000, 20, generator=g)
    score = X[:, INFORMATIVE] @ torch.tensor([1.5, -1.2, 1.0, 1.3, -1.1])
    y = (score > 0).long() + (score > 1.5).long()
    data = TrainingData(X[:2400], y[:2400], X[2400:2700], y[2400:2700], n_classes=3)
    runs = [
        TrainingParams(model={"name": architecture}, seed=s, epochs=60, progress="never")
        for s in (0, 1, 2)
    ]
    return [model for model, _ in train_stacked(data, runs)], X[2700:], X[:2400]


SIGNAL = [2, 5, 9]  # of 12 features, the only ones the rare class depends on


@functools.cache
def rare_class(class_weights: str):
    """A binary table whose rare class (about 7 % of rows) depends on three known features,
    and the configured network trained on it with three seeds (the seed runs)."""
    from glassbox.training.stacked import train_stacked

    g = torch.Generator().manual_seed(0)
    X = torch.randn(4000, 12, generator=g)
    logit = X[:, SIGNAL] @ torch.tensor([2.5, -2.0, 2.0]) - 6.0
    y = (torch.rand(4000, generator=g) < torch.sigmoid(logit)).long()
    data = TrainingData(X[:3000], y[:3000], X[3000:3400], y[3000:3400], n_classes=2)
    runs = [
        TrainingParams(
            seed=s,
            epochs=40,
            loss={"class_weights": class_weights},
            progress="never",
            checkpoint_every=0,
        )
        for s in (0, 1, 2)
    ]
    models = [model for model, _ in train_stacked(data, runs)]
    return models, X[3400:], y[3400:], X[:3000]
