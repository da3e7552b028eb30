"""Integrated Gradients speed: glassbox's implementation against the straightforward Captum call.

Each case is a trained model of one architecture: the digits test split (360 rows) with the
MLP, the CNN and the residual MLP, each with its default settings; and 2,000 rows of a
200,000 x 100 synthetic table (10 classes) with an MLP and a residual MLP trained on it.
Both implementations use 50 Gauss-Legendre steps and the same zero baseline; the script
checks that attributions agree (max abs difference <= 1e-5) and prints the median time of
each over alternating repeats, and their ratio (Captum / glassbox).

It also times the floor: the bare forward and backward passes Integrated Gradients cannot
do without (the rows x steps path points, built beforehand, through the model and back to
the inputs, in the same chunks glassbox uses), and prints each implementation's "floor
ratio" (its time / the floor's). Where the model is compute-bound (the CNN), no
implementation can go much below the floor; where per-operation overhead dominates (small
MLPs), the floor shows how much of it is left.

    .venv/bin/python -m benchmarks.integrated_gradients_speed [--repeats 7] [--architectures cnn]

When CUDA is present both cases are measured on the GPU as well (model and rows moved to
the device); elsewhere it says the GPU variant was not run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from captum.attr import IntegratedGradients
from sklearn.datasets import make_classification

from benchmarks.digits_accuracy import digits_tensors
from glassbox.explain.integrated_gradients import POINTS_PER_PASS, integrated_gradients
from glassbox.training.architectures import ARCHITECTURES, architecture
from glassbox.training.loop import TrainingData, train
from glassbox.training.params import TrainingParams


def digits_case(name: str):
    data, X_test, _ = digits_tensors()
    params = TrainingParams(model={"name": name}, checkpoint_every=0, progress="never", epochs=50)
    model, _ = train(data, params)
    return f"{name}, digits test split", model, X_test


def synthetic_case(name: str, rows: int = 200_000):
    X, y = make_classification(
        n_samples=rows, n_features=100, n_informative=20, n_classes=10, random_state=0
    )
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    cut = rows - 10_000
    data = TrainingData(X[:cut], y[:cut], X[cut:], y[cut:], n_classes=10)
    params = TrainingParams(
        model={"name": name}, checkpoint_every=0, progress="never", epochs=2, batch_size=256
    )
    model, _ = train(data, params)
    return f"{name}, 2,000 rows of a 200,000 x 100 table", model, X[cut : cut + 2000]


def measure(name, model, X, repeats: int, device: torch.device) -> None:
    model, X = model.to(device).eval(), X.to(device)
    with torch.no_grad():
        target = model(X).argmax(dim=1)
    baseline = torch.zeros(1, X.shape[1], device=device)
    captum_ig = IntegratedGradients(model)

    def ours():
        return integrated_gradients(model, X, baseline, target, n_steps=50)[0]

    def captum():
        return captum_ig.attribute(X, baselines=baseline, target=target, n_steps=50)

    # The floor's path points, built once outside the timing, chunked as glassbox chunks.
    steps, rows_per_pass = 50, max(1, POINTS_PER_PASS // 50)
    chunks = [
        X[start : start + rows_per_pass].repeat_interleave(steps, dim=0).requires_grad_(True)
        for start in range(0, len(X), rows_per_pass)
    ]

    def floor():
        for path in chunks:
            with torch.enable_grad():
                outputs = model(path)
                torch.autograd.grad(outputs[:, 0].sum(), path)

    difference = (ours() - captum()).abs().max().item()  # also the warm-up
    floor()
    times = {"glassbox": [], "captum": [], "floor": []}
    for repeat in range(repeats):
        order = (("glassbox", ours), ("captum", captum), ("floor", floor))
        for label, fn in order if repeat % 2 == 0 else order[::-1]:
            started = time.perf_counter()
            fn()
            if device.type == "cuda":
                torch.cuda.synchronize()  # kernels run asynchronously: wait before timing
            times[label].append(time.perf_counter() - started)
    ours_s, captum_s, floor_s = (
        statistics.median(times[k]) for k in ("glassbox", "captum", "floor")
    )
    print(
        f"{name} on {device.type}: {len(X)} rows x {X.shape[1]} features, 50 steps, "
        f"{repeats} repeats"
    )
    print(
        f"  captum IntegratedGradients.attribute: median {captum_s * 1000:8.1f} ms "
        f"(floor ratio {captum_s / floor_s:.2f})"
    )
    print(
        f"  glassbox fast integrated_gradients:   median {ours_s * 1000:8.1f} ms "
        f"(floor ratio {ours_s / floor_s:.2f})"
    )
    print(f"  floor (bare forward + backward):      median {floor_s * 1000:8.1f} ms")
    print(
        f"  speed-up {captum_s / ours_s:.1f}x; max abs difference {difference:.2e} "
        f"({'agree' if difference <= 1e-5 else 'DISAGREE'} at 1e-5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--architectures", nargs="+", default=list(ARCHITECTURES))
    args = parser.parse_args()
    print(f"torch threads: {torch.get_num_threads()}")
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    else:
        print("CUDA not available: the GPU variant is not run on this machine")
    for name in args.architectures:
        cases = [digits_case]
        if not architecture(name).needs_image:  # the synthetic table is not an image
            cases.append(synthetic_case)
        for case in cases:
            built = case(name)
            for device in devices:
                measure(*built, repeats=args.repeats, device=device)


if __name__ == "__main__":
    main()
