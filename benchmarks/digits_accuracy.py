"""Test accuracy on digits for each optimizer with its default hyperparameters, over seeds.

Runs the data_processing steps in-process on the bundled digits (default split), then trains
the default model once per optimizer and seed, and prints the test accuracy of each run,
the mean, and the epochs trained (early stopping).

    .venv/bin/python -m benchmarks.digits_accuracy [--seeds 0 1 2] [--optimizers adam sgd]
"""

from __future__ import annotations

import argparse
import statistics

import torch

from glassbox.parameters import DataProcessingParams, TrainingParams
from glassbox.pipelines.data_processing.nodes import (
    fit_preprocessor,
    split_data,
    transform_rows,
    validate_raw_data,
)
from glassbox.prepare.example import DIGITS_TARGET, digits_table
from glassbox.training.loop import TrainingData, train
from glassbox.training.optimizers import OPTIMIZER_NAMES


def digits_tensors():
    params = DataProcessingParams(target=DIGITS_TARGET)
    train_rows, val_rows, test_rows = split_data(validate_raw_data(digits_table(), params), params)
    prep = fit_preprocessor(train_rows, params)

    def tensors(rows):
        X, y = transform_rows(rows, prep)
        return torch.tensor(X.to_numpy()), torch.tensor(y.iloc[:, 0].to_numpy())

    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = map(tensors, (train_rows, val_rows, test_rows))
    return TrainingData(X_tr, y_tr, X_va, y_va, n_classes=len(prep.classes)), X_te, y_te


def accuracy_of(optimizer: str, seed: int, data, X_test, y_test) -> tuple[float, int]:
    params = TrainingParams(
        seed=seed, optimizer={"name": optimizer}, checkpoint_every=0, progress="never"
    )
    model, history = train(data, params)
    with torch.no_grad():
        accuracy = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
    return accuracy, len(history)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--optimizers", nargs="+", default=list(OPTIMIZER_NAMES))
    args = parser.parse_args()

    data, X_test, y_test = digits_tensors()
    print(f"digits: {len(data.X_train)} train / {len(data.X_val)} val / {len(X_test)} test rows")
    for optimizer in args.optimizers:
        runs = [accuracy_of(optimizer, s, data, X_test, y_test) for s in args.seeds]
        accuracies = [a for a, _ in runs]
        print(
            f"{optimizer:>9}: mean test accuracy {statistics.mean(accuracies):.4f}  "
            f"runs {[round(a, 4) for a in accuracies]}  epochs {[e for _, e in runs]}"
        )


if __name__ == "__main__":
    main()
