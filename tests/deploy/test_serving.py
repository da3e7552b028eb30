"""The HTTP service over real HTTP on loopback: a server process started by the test, an
HTTP client talking to it, good and bad requests; and a model served by git revision,
read through DVC from a remote."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from glassbox.deploy.prediction import predict_proba
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.model_files import load_model
from tests.conftest import cli_env, copy_project, run_cli, set_parameters, use_dataset

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`python -m glassbox.deploy.serving ...` as a user starts it, on a free loopback port."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "glassbox.deploy.serving", *args, "--port", str(self.port)],
            cwd=cwd,
            env=cli_env(cwd),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        deadline = time.monotonic() + 120
        while True:
            assert self.process.poll() is None, self.process.stdout.read()
            try:
                if self.client.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def server(trained_project):
    running = Server(trained_project, "--folder", str(trained_project))
    yield running
    running.stop()


def test_the_service_says_where_it_listens_and_where_its_docs_are(server):
    first = server.process.stdout.readline()  # printed before the server starts listening
    url = f"http://127.0.0.1:{server.port}"
    assert first.startswith("glassbox serves ") and f"at {url} (try {url}/docs)" in first
    assert server.client.get("/docs").status_code == 200


def digits_rows(project: Path, n: int) -> list[dict]:
    return pd.read_csv(project / "data/01_raw/digits.csv").head(n).to_dict("records")


def expected_probabilities(project: Path, rows: list[dict]) -> np.ndarray:
    preprocessor = Preprocessor.load(project / "data/06_models/preprocessor.json")
    X = preprocessor.transform_features(pd.DataFrame(rows))
    return predict_proba(load_model(project / "data/06_models/model.safetensors"), X.to_numpy())


def test_predict_gives_the_models_labels_and_probabilities(server, trained_project):
    rows = digits_rows(trained_project, 5)  # with the label column, which is ignored
    response = server.client.post("/predict", json={"records": rows})
    assert response.status_code == 200, response.text
    predictions = response.json()["predictions"]
    expected = expected_probabilities(trained_project, rows)
    got = np.array([[p["probabilities"][str(c)] for c in range(10)] for p in predictions])
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert [p["label"] for p in predictions] == list(expected.argmax(axis=1))


def test_explain_names_method_and_baseline_and_returns_the_top_features(server, trained_project):
    rows = digits_rows(trained_project, 2)
    response = server.client.post("/explain", json={"records": rows, "top_k": 4})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["method"] == "integrated_gradients"
    assert "training mean" in body["baseline"]
    for explanation in body["explanations"]:
        values = list(explanation["attributions"].values())
        assert len(values) == 4
        assert all(abs(a) >= abs(b) for a, b in zip(values, values[1:], strict=False))


def test_explain_gives_the_attributions_batch_inference_gives_for_the_same_rows(
    server, trained_project
):
    import torch

    from glassbox.deploy import inference

    rows = digits_rows(trained_project, 3)
    response = server.client.post("/explain", json={"records": rows})
    assert response.status_code == 200, response.text
    served = response.json()["explanations"]

    # The batch path (the inference pipeline with its default baseline, training_mean).
    preprocessor = Preprocessor.load(trained_project / "data/06_models/preprocessor.json")
    model = load_model(trained_project / "data/06_models/model.safetensors")
    X = preprocessor.transform_features(pd.DataFrame(rows)).to_numpy(np.float32, copy=True)
    X_train = pd.read_parquet(trained_project / "data/05_model_input/X_train.parquet")
    reference = inference.baseline_row(X_train.to_numpy(np.float32), "training_mean", preprocessor)
    with torch.no_grad():
        predicted = model(torch.from_numpy(X)).argmax(1)
    batch = inference.attributions_for(
        model, torch.from_numpy(X), predicted, torch.from_numpy(reference), 50
    )
    names = preprocessor.feature_names
    got = np.array([[row["attributions"][n] for n in names] for row in served])
    np.testing.assert_allclose(got, batch, rtol=1e-5, atol=1e-7)


def test_the_service_explains_with_the_projects_inference_settings(trained_project, tmp_path):
    """inference.ig_steps and inference.baseline reach /explain, and the files are found
    where the project's catalog says (here moved by a conf/local override)."""
    import shutil

    import torch

    from glassbox.deploy import inference

    project = tmp_path / "project"
    shutil.copytree(trained_project / "conf", project / "conf")
    shutil.copytree(trained_project / "data/06_models", project / "elsewhere")
    set_parameters(project, "inference", baseline="zeros", ig_steps=8)
    (project / "conf/local/catalog.yml").write_text(
        "".join(
            f"{name}:\n  type: ignored.here\n  filepath: elsewhere/{file}\n"
            for name, file in (
                ("model", "model.safetensors"),
                ("preprocessor", "preprocessor.json"),
                ("model_card", "model_card.json"),
            )
        )
    )
    running = Server(trained_project, "--folder", str(project))
    try:
        rows = digits_rows(trained_project, 3)
        body = running.client.post("/explain", json={"records": rows}).json()
    finally:
        running.stop()
    assert body["steps"] == 8 and "zeros" in body["baseline"]

    preprocessor = Preprocessor.load(project / "elsewhere/preprocessor.json")
    model = load_model(project / "elsewhere/model.safetensors")
    X = preprocessor.transform_features(pd.DataFrame(rows)).to_numpy(np.float32, copy=True)
    with torch.no_grad():
        predicted = model(torch.from_numpy(X)).argmax(1)
    expected = inference.attributions_for(
        model, torch.from_numpy(X), predicted, torch.zeros(1, X.shape[1]), 8
    )
    names = preprocessor.feature_names
    got = np.array([[row["attributions"][n] for n in names] for row in body["explanations"]])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_health_and_model_card(server):
    assert server.client.get("/health").json()["status"] == "ok"
    card = server.client.get("/model").json()
    assert card["classes"] == [str(d) for d in range(10)]
    assert "onnx" in card["export_check"]


def _row(project: Path, **changes) -> dict:
    row = digits_rows(project, 1)[0]
    for key, value in changes.items():
        if value is ...:
            del row[key]
        else:
            row[key] = value
    return row


BAD_REQUESTS = {
    "broken JSON": (
        lambda p: {"content": b'{"records": [', "headers": {"content-type": "application/json"}},
        "JSON decode error",
    ),
    "a form instead of JSON": (
        lambda p: {"content": b"records=1"},
        "Input should be a valid dictionary",
    ),
    "no records key": (lambda p: {"json": {"rows": []}}, "records"),
    "records empty": (lambda p: {"json": {"records": []}}, "at least 1 item"),
    "records not a list": (lambda p: {"json": {"records": {"a": 1}}}, "valid list"),
    "a feature missing": (
        lambda p: {"json": {"records": [_row(p, pixel_0_2=...)]}},
        "records[0].pixel_0_2: Field required",
    ),
    "an unknown field": (
        lambda p: {"json": {"records": [_row(p, colour="red")]}},
        "records[0].colour: Extra inputs are not permitted",
    ),
    "text in a numeric feature": (
        lambda p: {"json": {"records": [_row(p, pixel_3_3="twelve")]}},
        "records[0].pixel_3_3: Input should be a valid number",
    ),
    "not a finite number": (
        lambda p: {
            "content": json.dumps({"records": [_row(p, pixel_3_3=float("nan"))]}).encode(),
            "headers": {"content-type": "application/json"},
        },
        "records[0].pixel_3_3: Input should be a finite number",
    ),
    "too many records": (
        lambda p: {"json": {"records": [_row(p)] * 10_001}},
        "at most 10000 items",
    ),
    "an unknown top-level key": (
        lambda p: {"json": {"records": [_row(p)], "debug": True}},
        "Extra inputs are not permitted",
    ),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_a_bad_request_gets_a_4xx_naming_the_problem_and_the_service_lives_on(
    server, trained_project, case
):
    make, message = BAD_REQUESTS[case]
    response = server.client.post("/predict", **make(trained_project))
    assert 400 <= response.status_code < 500, response.text
    assert message in response.text, response.text
    error = response.json()["error"]  # one shape for every 4xx
    assert error["status"] == response.status_code and error["message"] and error["details"]
    assert server.client.get("/health").status_code == 200


def test_explain_rejects_a_nonsense_top_k_and_predict_rejects_get(server, trained_project):
    rows = digits_rows(trained_project, 1)
    response = server.client.post("/explain", json={"records": rows, "top_k": 0})
    assert response.status_code == 422 and "top_k" in response.text
    assert server.client.get("/predict").status_code == 405


def test_a_model_is_served_by_git_revision_from_the_dvc_remote(tmp_path):
    """Two revisions pushed to the project's DVC remote; a fresh clone without any DVC cache
    serves the first one, named by its commit."""
    origin = copy_project(tmp_path / "origin")
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "start"]):
        assert run_cli(args, origin).returncode == 0
    shas, models = [], []
    for epochs in (3, 6):
        set_parameters(origin, "training", epochs=epochs)
        for args in (
            ["dvc", "repro", "training"],
            ["git", "add", "-A"],
            ["git", "commit", "-qm", f"model trained for {epochs} epochs"],
            ["dvc", "push"],
        ):
            result = run_cli(args, origin)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        shas.append(run_cli(["git", "rev-parse", "HEAD"], origin).stdout.strip())
        models.append((origin / "data/06_models/model.safetensors").read_bytes())
    assert models[0] != models[1]

    clone = tmp_path / "clone"
    assert run_cli(["git", "clone", "-q", str(origin), str(clone)], tmp_path).returncode == 0
    served = Server(clone, "--rev", shas[0], "--repo", str(clone))
    try:
        assert served.client.get("/health").json()["revision"] == shas[0]
        rows = digits_rows(origin, 8)
        response = served.client.post("/predict", json={"records": rows})
        assert response.status_code == 200, response.text
    finally:
        served.stop()
    first = tmp_path / "first"
    (first / "data/06_models").mkdir(parents=True)
    (first / "data/06_models/model.safetensors").write_bytes(models[0])
    (first / "data/06_models/preprocessor.json").write_bytes(
        (origin / "data/06_models/preprocessor.json").read_bytes()
    )
    expected = expected_probabilities(first, rows)
    got = np.array(
        [[p["probabilities"][str(c)] for c in range(10)] for p in response.json()["predictions"]]
    )
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not (clone / ".dvc/cache").exists() or not any((clone / ".dvc/cache").rglob("*"))


def test_a_regression_model_serves_values_in_the_targets_units(tmp_path):
    from sklearn.datasets import load_diabetes

    project = copy_project(tmp_path / "project")
    table = load_diabetes(as_frame=True, scaled=False).frame
    table.to_csv(project / "data/01_raw/diabetes.csv", index=False)
    use_dataset(project, raw_data="data/01_raw/diabetes.csv", target="target", image_shape=None)
    set_parameters(project, "training", epochs=20)  # the loss follows the task: MSE
    result = run_cli(
        [sys.executable, "-m", "kedro", "run", "--pipelines", "data_processing,training"], project
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = table.head(3).to_dict("records")
    preprocessor = Preprocessor.load(project / "data/06_models/preprocessor.json")
    model = load_model(project / "data/06_models/model.safetensors")
    X = preprocessor.transform_features(pd.DataFrame(rows)).to_numpy()
    from glassbox.deploy.prediction import predict_values

    expected = preprocessor.decode_values(predict_values(model, X))

    served = Server(project, "--folder", str(project))
    try:
        predicted = served.client.post("/predict", json={"records": rows})
        explained = served.client.post("/explain", json={"records": rows[:1], "top_k": 3})
    finally:
        served.stop()
    assert predicted.status_code == 200, predicted.text
    values = [p["value"] for p in predicted.json()["predictions"]]
    np.testing.assert_allclose(values, expected, rtol=1e-6)
    body = explained.json()
    assert body["target"] == "the predicted value"
    assert len(body["explanations"][0]["attributions"]) == 3


def test_each_answer_says_what_was_imputed_and_which_categories_were_unseen(mixed_table):
    from types import SimpleNamespace

    from glassbox.deploy.serving import _notes
    from glassbox.prepare.params import DataProcessingParams

    params = DataProcessingParams(target="kind")
    numeric, categorical = ["Size (cm)", "weight_kg"], ["colour"]
    preprocessor = Preprocessor.fit(mixed_table, params, numeric, categorical)
    rows = [
        {"Size (cm)": 9.0, "weight_kg": None, "colour": "purple"},
        {"Size (cm)": 9.0, "weight_kg": 50.0, "colour": "red"},
    ]
    notes = _notes(SimpleNamespace(preprocessor=preprocessor), rows)
    assert notes[0] == {"imputed": ["weight_kg"], "unseen_categories": {"colour": "purple"}}
    assert notes[1] == {"imputed": [], "unseen_categories": {}}


def test_predict_reports_an_imputed_feature_of_a_row(server, trained_project):
    row = _row(trained_project, pixel_3_3=None)
    response = server.client.post("/predict", json={"records": [row]})
    assert response.status_code == 200, response.text
    assert response.json()["predictions"][0]["imputed"] == ["pixel_3_3"]


def test_several_workers_serve_the_same_answers(server, trained_project):
    """`--workers 2`: two processes, each with the model, answer as one does."""
    rows = digits_rows(trained_project, 3)
    several = Server(trained_project, "--folder", str(trained_project), "--workers", "2")
    try:
        assert "with 2 workers" in several.process.stdout.readline()
        for path in ("/predict", "/explain"):
            answers = [
                s.client.post(path, json={"records": rows}).json() for s in (server, several)
            ]
            assert answers[0] == answers[1]
    finally:
        several.stop()
