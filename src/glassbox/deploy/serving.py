"""The HTTP service: a trained model behind FastAPI, predicting and explaining JSON records.

    python -m glassbox.deploy.serving                      # this checkout's data/06_models
    python -m glassbox.deploy.serving --rev v1.2 --repo .  # a git revision's model (via DVC)

Endpoints: POST /predict, POST /explain, GET /health, GET /model (the model card), and GET /
(the what-if page: edit a row, see the prediction and attributions change). Each
record is checked against the feature schema the model was trained on; a bad request gets
a 4xx naming the field, and the service keeps serving.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, create_model
from torch import nn

from glassbox.deploy import inference
from glassbox.deploy.batching import MAX_DELAY_SECONDS, DynamicBatcher
from glassbox.deploy.params import InferenceParams
from glassbox.deploy.prediction import model_outputs
from glassbox.errors import InputDataError
from glassbox.prepare.model_input import check_model_fits
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.project_config import load_catalog_config, load_parameters
from glassbox.tasks import get_task
from glassbox.training.model_files import load_model

JSON = "application/json"
MAX_RECORDS = 10_000  # per request: bounds memory and latency for everyone else
# What the service reads from a project: the catalog's model files, and the inference
# pipeline's explanation settings (`inference.ig_steps`, `inference.baseline`), so that it
# predicts and explains a row as batch inference does.
SERVED_ENTRIES = ("model", "preprocessor", "model_card")
CONFIG_FILES = (
    "conf/base/catalog.yml",
    "conf/base/globals.yml",
    "conf/base/parameters_inference.yml",
)
BASELINES = {
    "training_mean": (
        "the training mean in model input (every numeric feature's mean, every category's "
        "share of the training rows), as batch inference (inference.baseline: training_mean)"
    ),
    "zeros": "all zeros in model input (inference.baseline: zeros)",
}


@dataclass
class ServedModel:
    model: nn.Module
    preprocessor: Preprocessor
    card: dict | None = None
    revision: str | None = None
    source: str = ""
    settings: InferenceParams = field(default_factory=InferenceParams)
    record_type: type[BaseModel] = field(init=False)

    def __post_init__(self) -> None:
        check_model_fits(self.model, self.preprocessor)
        self.model.eval()
        self.record_type = record_model(self.preprocessor)

    @classmethod
    def from_folder(cls, folder: str | Path, revision: str | None = None) -> ServedModel:
        """The model, preprocessor and (if present) model card of a project checkout, at the
        paths its catalog gives, with its inference settings."""
        root = Path(folder)
        catalog = load_catalog_config(root, run_env="local")
        files = {n: root / catalog[n]["filepath"] for n in SERVED_ENTRIES if n in catalog}
        settings = load_parameters(root, run_env="local").get("inference") or {}
        card = files.get("model_card")
        return cls(
            model=load_model(files["model"]),
            preprocessor=Preprocessor.load(files["preprocessor"]),
            card=json.loads(card.read_text()) if card is not None and card.is_file() else None,
            revision=revision,
            source=str(root.resolve()),
            settings=InferenceParams.model_validate(settings),
        )

    @classmethod
    def from_revision(cls, repo: str, rev: str, remote: str | None = None) -> ServedModel:
        """The files of git revision ``rev`` of ``repo``, read through DVC (from the cache
        when present, else from the configured remote): a deployment names a revision."""
        with tempfile.TemporaryDirectory() as tmp:
            fetch_revision(repo, rev, remote, Path(tmp))
            served = cls.from_folder(tmp, revision=rev)
        served.source = f"{repo}@{rev}"
        return served


def fetch_revision(repo: str, rev: str, remote: str | None, into: Path) -> None:
    """Write into ``into`` what the service reads of git revision ``rev`` of ``repo`` (the
    configuration, then the catalog's model files), through DVC."""
    import dvc.api

    def fetch(path: str, optional: bool = False) -> None:
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with dvc.api.open(path, repo=repo, rev=rev, remote=remote, mode="rb") as f:
                target.write_bytes(f.read())
        except Exception as err:  # noqa: BLE001 - DVC raises many types; name the file
            if optional:
                return
            raise InputDataError(
                f"cannot read {path} at revision {rev!r} of {repo}: {err}. Was it "
                "committed (dvc.lock) and pushed (`dvc push`)?"
            ) from err

    for path in CONFIG_FILES:
        fetch(path, optional=not path.endswith("catalog.yml"))
    catalog = load_catalog_config(into)
    for name in SERVED_ENTRIES:
        if name in catalog:
            fetch(catalog[name]["filepath"], optional=name == "model_card")


def record_model(preprocessor: Preprocessor) -> type[BaseModel]:
    """A Pydantic model of one record: every feature column the model uses, typed; the
    label column and columns dropped in training (constant ones) may come along and are
    ignored; any other field is an error."""
    gaps_allowed = preprocessor.missing_values == "impute"
    fields: dict[str, Any] = {}
    for i, column in enumerate([*preprocessor.dropped_columns, preprocessor.target]):
        fields[f"ignored{i}"] = (Any, Field(None, alias=column))
    for i, column in enumerate(preprocessor.input_columns):
        if column in preprocessor.numeric_columns:
            kind: Any = float
        else:
            kind = str | int | float | bool
        if gaps_allowed:
            kind = kind | None
        fields[f"f{i}"] = (kind, Field(..., alias=column))
    return create_model(
        "Record",
        __config__=ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=False),
        **fields,
    )


class Records(BaseModel):
    model_config = ConfigDict(extra="forbid")
    records: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_RECORDS)


class ExplainRequest(Records):
    top_k: int | None = Field(None, ge=1, description="only the k largest attributions per row")


def _validated(served: ServedModel, request: Records) -> list[dict[str, Any]]:
    errors = []
    rows = []
    for i, record in enumerate(request.records):
        try:
            rows.append(served.record_type.model_validate(record).model_dump(by_alias=True))
        except Exception as err:  # pydantic.ValidationError: re-labelled with the row number
            for e in getattr(err, "errors", lambda: [])():
                where = ".".join(str(p) for p in e["loc"])
                errors.append(f"records[{i}].{where}: {e['msg']}")
        if len(errors) >= 20:
            break
    if errors:
        raise HTTPException(status_code=422, detail=errors)
    return rows


def _model_input(served: ServedModel, rows: list[dict[str, Any]]) -> np.ndarray:
    """Validated records as model input, through the preprocessor's own transformation
    (on arrays: a DataFrame per request costs more than the model)."""
    p = served.preprocessor
    numbers = np.array(
        [[np.nan if r[c] is None else r[c] for c in p.numeric_columns] for r in rows],
        dtype=np.float64,
    ).reshape(len(rows), len(p.numeric_columns))
    texts = {c: [None if r[c] is None else str(r[c]) for r in rows] for c in p.categorical_columns}
    return p.transform_values(numbers, texts)


def _notes(served: ServedModel, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per row, what the model did not see as sent: features filled in by imputation, and
    categories unseen in training (encoded as no category at all)."""
    p = served.preprocessor
    notes = []
    for row in rows:
        unseen = {
            c: row[c]
            for c in p.categorical_columns
            if row[c] is not None and str(row[c]) not in p.categories[c]
        }
        imputed = [c for c in p.input_columns if row.get(c) is None]
        notes.append({"imputed": imputed, "unseen_categories": unseen})
    return notes


def _error(status: int, message: str, details: list[str]) -> JSONResponse:
    """The one shape of every 4xx answer: {"error": {"status", "message", "details"}}."""
    return JSONResponse(
        {"error": {"status": status, "message": message, "details": details}}, status_code=status
    )


def _add_error_handlers(app: FastAPI) -> None:
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    def http_error(request, error: StarletteHTTPException) -> JSONResponse:
        details = error.detail if isinstance(error.detail, list) else [str(error.detail)]
        message = "the request does not fit the model" if error.status_code == 422 else details[0]
        return _error(error.status_code, message, details)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request, error: RequestValidationError) -> JSONResponse:
        details = [
            ".".join(str(p) for p in e["loc"] if p != "body") + f": {e['msg']}"
            for e in error.errors()
        ]
        return _error(422, "the request body is not what this endpoint takes", details)


def _json(body: dict) -> Response:
    """An answer as JSON, serialised once by orjson (FastAPI's own encoding walks the
    answer twice and costs more than the model for a single row)."""
    return Response(orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY), media_type=JSON)


def create_app(served: ServedModel, batch_delay: float = MAX_DELAY_SECONDS) -> FastAPI:
    """The service. Concurrent requests' rows share one pass through the model
    (glassbox.deploy.batching), each waiting at most ``batch_delay`` seconds for others."""
    preprocessor = served.preprocessor
    classes = [str(c) for c in preprocessor.classes]
    predicts_classes = get_task(preprocessor.task).predicts_classes
    features = preprocessor.feature_names
    settings = served.settings
    # The configured reference row: the preprocessor's training mean (zeros for one fitted
    # before it recorded that), or zeros; IG with the configured steps, as batch inference.
    no_rows = np.zeros((1, len(features)), dtype=np.float32)
    reference = inference.baseline_row(no_rows, settings.baseline, preprocessor)
    # The batch path's code: the same outputs, labels and attributions as the pipeline's.
    predicting = DynamicBatcher(
        lambda X: model_outputs(served.model, X, preprocessor), max_delay=batch_delay
    )
    explaining = DynamicBatcher(
        lambda X: inference.explain_rows(
            served.model, X, preprocessor, reference, settings.ig_steps
        ),
        max_delay=batch_delay,
    )
    batchers = {"predict": predicting, "explain": explaining}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        for batcher in batchers.values():  # the worker threads end with the service
            batcher.close()

    app = FastAPI(
        title="glassbox",
        description="Predictions and explanations from a glassbox model.",
        version="1",
        lifespan=lifespan,
    )
    app.state.batchers = batchers
    _add_error_handlers(app)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def what_if_page() -> str:
        from glassbox.deploy.what_if import page

        return page(preprocessor)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "revision": served.revision, "source": served.source}

    @app.get("/model")
    def model_card() -> JSONResponse:
        if served.card is None:
            raise HTTPException(status_code=404, detail="no model card for this model")
        return JSONResponse(served.card)

    @app.post("/predict")
    async def predict(request: Records) -> Response:
        rows = _validated(served, request)
        outputs = await predicting(_model_input(served, rows))
        predicted = preprocessor.predicted(outputs)
        if predicts_classes:
            answers = [
                {"label": label, "probabilities": dict(zip(classes, p.tolist(), strict=True))}
                for label, p in zip(predicted, outputs, strict=True)
            ]
        else:
            answers = [{"value": v} for v in predicted]
        notes = _notes(served, rows)
        return _json({"predictions": [{**a, **n} for a, n in zip(answers, notes, strict=True)]})

    @app.post("/explain")
    async def explain(request: ExplainRequest) -> Response:
        validated = _validated(served, request)
        outputs, values = await explaining(_model_input(served, validated))
        key = "label" if predicts_classes else "value"
        rows = []
        notes = _notes(served, validated)
        for answer, row, note in zip(preprocessor.predicted(outputs), values, notes, strict=True):
            order = np.argsort(-np.abs(row), kind="stable")[: request.top_k or len(row)]
            top = {features[j]: float(row[j]) for j in order}
            rows.append({key: answer, "attributions": top, **note})
        return _json(
            {
                "method": "integrated_gradients",
                "steps": settings.ig_steps,
                "baseline": BASELINES[settings.baseline],
                "target": "the predicted class" if predicts_classes else "the predicted value",
                "explanations": rows,
            }
        )

    return app


SERVED = "GLASSBOX_SERVED"  # what each of several workers loads: JSON of folder, revision, source


def app_from_environment() -> FastAPI:
    """The app of one of several worker processes (``--workers``): the model of the folder
    the starting process named in ``GLASSBOX_SERVED``."""
    told = json.loads(os.environ[SERVED])
    served = ServedModel.from_folder(told["folder"], revision=told["revision"])
    served.source = told["source"]
    return create_app(served, told["batch_delay"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="serve the model of this git revision (read through DVC)")
    parser.add_argument("--repo", default=".", help="the git repository of --rev (path or URL)")
    parser.add_argument("--remote", help="the DVC remote to read from (default: the configured)")
    parser.add_argument("--folder", default=".", help="without --rev: the project checkout")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes that serve at once, each with the model (one per core to use)",
    )
    parser.add_argument(
        "--batch-delay-ms",
        type=float,
        default=MAX_DELAY_SECONDS * 1000,
        help="how long a request's rows wait for other requests' to share a batch",
    )
    args = parser.parse_args(argv)
    if args.workers < 1 or args.batch_delay_ms < 0:
        parser.error("--workers must be at least 1 and --batch-delay-ms at least 0")

    import uvicorn

    with tempfile.TemporaryDirectory() as fetched:
        folder = args.folder
        if args.rev:  # fetched once; every worker loads the same files
            fetch_revision(args.repo, args.rev, args.remote, Path(fetched))
            folder = fetched
        served = ServedModel.from_folder(folder, revision=args.rev)  # fails here, not in workers
        if args.rev:
            served.source = f"{args.repo}@{args.rev}"
        url = f"http://{args.host}:{args.port}"
        print(  # noqa: T201 - the one line a user starting the service needs
            f"glassbox serves {served.source} at {url} (try {url}/docs) with {args.workers} "
            f"worker{'s' if args.workers > 1 else ''}; Ctrl+C stops it",
            file=sys.stderr,
            flush=True,
        )
        delay = args.batch_delay_ms / 1000
        if args.workers == 1:
            uvicorn.run(
                create_app(served, delay), host=args.host, port=args.port, log_level="warning"
            )
            return
        os.environ[SERVED] = json.dumps(
            {
                "folder": str(folder),
                "revision": args.rev,
                "source": served.source,
                "batch_delay": delay,
            }
        )
        uvicorn.run(
            "glassbox.deploy.serving:app_from_environment",  # imported by each worker
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level="warning",
        )


if __name__ == "__main__":
    main()
