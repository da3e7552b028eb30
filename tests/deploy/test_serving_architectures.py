"""The HTTP service with a model of every architecture (in process, through FastAPI's test
client): /predict gives the batch path's probabilities, /explain the batch path's
attributions."""

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient

from glassbox.deploy import inference
from glassbox.deploy.params import InferenceParams
from glassbox.deploy.prediction import model_outputs
from glassbox.deploy.serving import ServedModel, create_app
from glassbox.pipelines.data_processing.nodes import (
    fit_preprocessor,
    split_data,
    transform_rows,
    validate_raw_data,
)
from glassbox.prepare.example import DIGITS_TARGET, digits_table
from glassbox.prepare.params import DataProcessingParams
from glassbox.training.loop import TrainingData, train
from glassbox.training.params import TrainingParams
from tests.training.test_architectures import SMALL


@pytest.fixture(scope="module")
def digits_split():
    params = DataProcessingParams(target=DIGITS_TARGET, image_shape=[8, 8])
    train_rows, val_rows, test_rows = split_data(validate_raw_data(digits_table(), params), params)
    preprocessor = fit_preprocessor(train_rows, params)
    frames = [*transform_rows(train_rows, preprocessor), *transform_rows(val_rows, preprocessor)]
    return preprocessor, TrainingData.for_preprocessor(preprocessor, *frames), test_rows


@pytest.mark.parametrize("name", ["cnn", "resnet"])
def test_predict_and_explain_answer_for_every_architecture(digits_split, name):
    preprocessor, data, test_rows = digits_split
    params = TrainingParams(model=SMALL[name], epochs=3, progress="never", checkpoint_every=0)
    model, _ = train(data, params)
    settings = InferenceParams(ig_steps=16)
    client = TestClient(create_app(ServedModel(model, preprocessor, settings=settings)))
    rows = test_rows.head(3)
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")

    predicted = client.post("/predict", json={"records": records})
    assert predicted.status_code == 200, predicted.text
    X = preprocessor.transform_features(rows).to_numpy(np.float32, copy=True)
    expected = model_outputs(model, X, preprocessor)
    classes = [str(c) for c in preprocessor.classes]
    got = [[p["probabilities"][c] for c in classes] for p in predicted.json()["predictions"]]
    np.testing.assert_allclose(got, expected, atol=1e-6)

    explained = client.post("/explain", json={"records": records})
    assert explained.status_code == 200, explained.text
    X_train = np.zeros((1, X.shape[1]), np.float32)  # unused: the preprocessor has the means
    reference = inference.baseline_row(X_train, "training_mean", preprocessor)
    target = torch.from_numpy(expected.argmax(axis=1))
    batch = inference.attributions_for(
        model, torch.from_numpy(X), target, torch.from_numpy(reference), 16
    )
    names = preprocessor.feature_names
    served = explained.json()["explanations"]
    got = np.array([[row["attributions"][n] for n in names] for row in served])
    np.testing.assert_allclose(got, batch, rtol=1e-5, atol=1e-7)


def test_a_private_model_is_a_plain_model_that_exports_serves_and_says_it_is_private(
    digits_split, tmp_path
):
    """Private training leaves no Opacus wrapper or hook behind: the saved weights load as
    a plain model, both exports match it, /predict and /explain answer, and /model says the
    model is private and at which ε."""
    from glassbox.deploy import export as model_export
    from glassbox.training.model_files import load_model, save_model

    preprocessor, data, test_rows = digits_split
    params = TrainingParams.model_validate(
        {
            "epochs": 3,
            "batch_size": 128,
            "progress": "never",
            "checkpoint_every": 0,
            "privacy": {"enabled": True, "target_epsilon": 3.0, "target_delta": 1e-5},
        }
    )
    trained, history = train(data, params)
    privacy = history.attrs["privacy"]
    save_model(trained, tmp_path / "model.safetensors")  # what the catalog writes
    model = load_model(tmp_path / "model.safetensors")
    X = preprocessor.transform_features(test_rows.head(50)).to_numpy(np.float32, copy=True)
    example = torch.from_numpy(X[:2])
    result = model_export.parity(
        model, model_export.to_program(model, example), model_export.to_onnx(model, example), X
    )
    model_export.check_parity(result)

    card = {"privacy": privacy}
    client = TestClient(create_app(ServedModel(model, preprocessor, card=card)))
    rows = test_rows.head(3)
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")
    predicted = client.post("/predict", json={"records": records})
    assert predicted.status_code == 200, predicted.text
    np.testing.assert_allclose(
        [
            [p["probabilities"][str(c)] for c in preprocessor.classes]
            for p in predicted.json()["predictions"]
        ],
        model_outputs(trained, X[:3], preprocessor),
        atol=1e-6,
    )
    assert client.post("/explain", json={"records": records}).status_code == 200
    served = client.get("/model").json()["privacy"]
    assert served["enabled"] is True and 0 < served["epsilon"] <= 3.0


def test_the_what_if_page_starts_from_a_typical_row_and_asks_only_the_service(digits_split):
    import json

    preprocessor, data, _ = digits_split
    model, _ = train(data, TrainingParams(epochs=1, progress="never", checkpoint_every=0))
    client = TestClient(create_app(ServedModel(model, preprocessor)))
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    data = json.loads(html.split('id="what-if-data">', 1)[1].split("</script>", 1)[0])
    names = [c["name"] for c in data["columns"]]
    assert names == preprocessor.input_columns
    assert data["grid"] == [8, 8]  # digits: the inputs laid out on the image
    first = data["columns"][0]
    assert first["value"] == float(f"{preprocessor.means[0]:.4g}")  # the training mean
    assert "http://" not in html and "https://" not in html  # nothing from another host
    assert "/predict" in html and "/explain" in html
    assert client.get("/openapi.json").json()["paths"].keys() >= {"/predict", "/explain"}


def test_concurrent_requests_are_batched_and_answered_as_one_by_one(digits_split):
    """Twenty-four single-row requests at once, through the whole app: they share a few
    passes through the model, and each answer (labels, probabilities, attributions) is the
    answer the same request gets alone, to float32 rounding."""
    import asyncio

    import httpx

    preprocessor, data, test_rows = digits_split
    model, _ = train(data, TrainingParams(epochs=2, progress="never", checkpoint_every=0))
    app = create_app(ServedModel(model, preprocessor, settings=InferenceParams(ig_steps=8)), 0.01)
    rows = test_rows.head(24).astype(object).to_dict("records")

    async def ask(path: str, together: bool) -> list[dict]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            requests = [client.post(path, json={"records": [row]}) for row in rows]
            if together:
                answers = await asyncio.gather(*requests)
            else:
                answers = [await request for request in requests]
        assert all(a.status_code == 200 for a in answers)
        return [a.json() for a in answers]

    for path, key, values in (
        ("/predict", "predictions", "probabilities"),
        ("/explain", "explanations", "attributions"),
    ):
        batcher = app.state.batchers[path.strip("/")]
        alone = asyncio.run(ask(path, together=False))
        assert batcher.batches == len(rows)  # one by one: a pass each
        together = asyncio.run(ask(path, together=True))
        assert batcher.batches - len(rows) < len(rows) / 4  # at once: a few passes in all
        for one, many in zip(alone, together, strict=True):
            a, b = one[key][0], many[key][0]
            assert a.get("label") == b.get("label")
            names = list(a[values])
            np.testing.assert_allclose(
                [b[values][n] for n in names], [a[values][n] for n in names], rtol=0, atol=1e-6
            )
