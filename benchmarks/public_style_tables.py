"""Three tables that mimic well-known public ones, as a user exports them from R (with the
`rownames` column), and what glassbox's main route makes of each.

- ``diamonds``: ggplot2's diamonds (regression on ``price``, prices up to 18,823), the file
  sorted by price, so its row number predicts the price;
- ``credit_card``: AER's CreditCard (target ``card``), with ``expenditure`` and ``share``:
  spending that only card holders can have, a textbook leak;
- ``default``: ISLR's Default (target ``default``, about 3.3 % "Yes"), generated from the
  logistic model the book fits to it.

    python -m benchmarks.public_style_tables [--rows-diamonds 20000] [--source PATH]
        [--tables diamonds credit_card default] [--drop-suspect] [--balanced]

For each table: a throw-away copy of the project at ``--source`` (default: this checkout;
give a `git worktree` of an older commit to measure "before"), the one edit in globals.yml,
the optional parts switched off (``--drop-suspect``: and
``data_processing.drop_suspect_columns: true``; ``--balanced``: and
``training.loss.class_weights: balanced``), then ``kedro run``; printed: the data
review's lines, the test figures, the verdict and the explanations' trust checks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.make_run_stages import _ignored, set_optional

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def diamonds(rows: int = 20_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    carat = np.round(np.clip(rng.lognormal(-0.45, 0.55, rows), 0.2, 5.0), 2)
    cuts = ["Fair", "Good", "Very Good", "Premium", "Ideal"]
    colors = list("JIHGFED")
    clarities = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]
    cut = rng.choice(5, rows, p=[0.03, 0.09, 0.22, 0.26, 0.40])
    color = rng.choice(7, rows, p=[0.05, 0.10, 0.15, 0.21, 0.18, 0.18, 0.13])
    clarity = rng.choice(8, rows, p=[0.01, 0.17, 0.24, 0.23, 0.15, 0.09, 0.07, 0.04])
    log_price = (
        8.0
        + 1.75 * np.log(carat)
        + 0.03 * cut
        + 0.07 * color
        + 0.09 * clarity
        + rng.normal(0, 0.12, rows)
    )
    price = np.clip(np.round(np.exp(log_price)), 326, 18_823).astype(int)
    size = 6.4 * carat ** (1 / 3)
    table = pd.DataFrame(
        {
            "carat": carat,
            "cut": np.asarray(cuts)[cut],
            "color": np.asarray(colors)[color],
            "clarity": np.asarray(clarities)[clarity],
            "depth": np.round(rng.normal(61.7, 1.4, rows), 1),
            "table": np.round(rng.normal(57.5, 2.2, rows)),
            "price": price,
            "x": np.round(size + rng.normal(0, 0.03, rows), 2),
            "y": np.round(size + rng.normal(0, 0.03, rows), 2),
            "z": np.round(0.62 * size + rng.normal(0, 0.02, rows), 2),
        }
    )
    table = table.sort_values("price", kind="stable").reset_index(drop=True)
    return table.rename_axis("rownames").reset_index().assign(rownames=lambda t: t.rownames + 1)


def credit_card(rows: int = 1319, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    reports = rng.choice(8, rows, p=[0.80, 0.09, 0.04, 0.03, 0.02, 0.01, 0.005, 0.005])
    age = np.round(rng.uniform(18, 80, rows), 1)
    income = np.round(np.clip(rng.lognormal(1.1, 0.4, rows), 0.2, 13.5), 2)  # $10,000s
    owner = rng.random(rows) < 0.44
    selfemp = rng.random(rows) < 0.07
    dependents = rng.choice(7, rows, p=[0.46, 0.20, 0.19, 0.10, 0.03, 0.01, 0.01])
    months = rng.integers(0, 540, rows)
    majorcards = rng.random(rows) < 0.82
    active = rng.poisson(6.9, rows)
    logit = 0.75 - 1.6 * reports + 0.25 * income + 0.4 * owner + 0.06 * active - 0.3 * selfemp
    card = rng.random(rows) < 1 / (1 + np.exp(-logit))
    spends = card & (rng.random(rows) > 0.023)
    expenditure = np.where(spends, np.round(rng.gamma(1.4, 170.0, rows), 2), 0.0)
    return pd.DataFrame(
        {
            "rownames": np.arange(1, rows + 1),
            "card": np.where(card, "yes", "no"),
            "reports": reports,
            "age": age,
            "income": income,
            "share": np.round(expenditure / (income * 10_000 / 12), 6),
            "expenditure": expenditure,
            "owner": np.where(owner, "yes", "no"),
            "selfemp": np.where(selfemp, "yes", "no"),
            "dependents": dependents,
            "months": months,
            "majorcards": majorcards.astype(int),
            "active": active,
        }
    )


def default(rows: int = 10_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    student = rng.random(rows) < 0.29
    balance = np.clip(rng.normal(835 + 150 * student, 480, rows), 0, None)
    income = np.where(student, rng.normal(17_950, 4_500, rows), rng.normal(40_000, 10_000, rows))
    # ISLR's fitted model (Table 4.3): log-odds of default.
    logit = -10.87 + 0.00574 * balance + 0.000003 * income - 0.6468 * student
    defaulted = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "rownames": np.arange(1, rows + 1),
            "default": np.where(defaulted, "Yes", "No"),
            "student": np.where(student, "Yes", "No"),
            "balance": np.round(balance, 2),
            "income": np.round(np.clip(income, 700, None), 2),
        }
    )


TABLES = {"diamonds": ("price", diamonds), "credit_card": ("card", credit_card)}
TABLES["default"] = ("default", default)


def run(
    name: str,
    table: pd.DataFrame,
    target: str,
    source: Path,
    folder: Path,
    drop: bool = False,
    balanced: bool = False,
) -> dict:
    import yaml

    project = folder / name
    shutil.copytree(source, project, ignore=_ignored)
    for layer in ("01_raw", "05_model_input", "06_models", "07_model_output", "08_reporting"):
        (project / "data" / layer).mkdir(parents=True, exist_ok=True)
    table.to_csv(project / "data" / "01_raw" / f"{name}.csv", index=False)
    globals_path = project / "conf" / "base" / "globals.yml"
    settings = yaml.safe_load(globals_path.read_text())
    settings["dataset"] |= {
        "raw_data": f"data/01_raw/{name}.csv",
        "target": target,
        "image_shape": None,
        "new_data": None,
    }
    globals_path.write_text(yaml.safe_dump(settings, sort_keys=False))
    set_optional(
        project,
        **{
            part: False
            for part in yaml.safe_load((project / "conf/base/parameters_optional.yml").read_text())[
                "optional"
            ]
        },
    )
    if drop:
        path = project / "conf" / "base" / "parameters_data_processing.yml"
        text = path.read_text().replace("drop_suspect_columns: false", "drop_suspect_columns: true")
        path.write_text(text)
    if balanced:
        path = project / "conf" / "base" / "parameters_training.yml"
        path.write_text(path.read_text().replace("class_weights: none", "class_weights: balanced"))
    env = {**os.environ, "PYTHONPATH": str(source / "src"), "KEDRO_DISABLE_TELEMETRY": "1"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "kedro", "run"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    log = result.stdout + result.stderr
    if result.returncode != 0:
        return {"table": name, "failed": log[-3000:]}
    reporting = project / "data" / "08_reporting"
    details = json.loads((reporting / "evaluation_details.json").read_text())
    explained = json.loads((reporting / "explainability_summary.json").read_text())
    prepared = json.loads((project / "data" / "06_models" / "preprocessor.json").read_text())
    methods = explained["methods"]
    return {
        "table": name,
        "seconds": round(seconds, 1),
        "review": [
            line.split("] ", 1)[-1].strip()
            for line in log.splitlines()
            if any(k in line for k in ("identifier", "probable leak", "class share", "holds"))
        ],
        "features": prepared["feature_names"],
        "score": details.get("score"),
        "model": {k: round(v, 4) for k, v in details["model"].items() if isinstance(v, float)},
        "baselines": {
            n: {
                k: round(s[k], 4) for k in ("accuracy", "balanced_accuracy", "r2", "rmse") if k in s
            }
            for n, s in details["baselines"].items()
        },
        "verdict": details["verdict"]["text"],
        "methods_passing": sorted(m for m, r in methods.items() if r.get("passes")),
        "top_features": {
            m: sorted(r["global_importance"], key=lambda f: -r["global_importance"][f])[:3]
            for m, r in methods.items()
        },
        "read_first": (explained.get("read_first") or {}).get("text"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--rows-diamonds", type=int, default=20_000)
    parser.add_argument("--tables", nargs="*", default=list(TABLES))
    parser.add_argument("--drop-suspect", action="store_true")
    parser.add_argument("--balanced", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.tables:
            target, make = TABLES[name]
            table = make(args.rows_diamonds) if name == "diamonds" else make()
            found = run(
                name,
                table,
                target,
                args.source.resolve(),
                Path(tmp),
                args.drop_suspect,
                args.balanced,
            )
            print(json.dumps(found, indent=1), flush=True)


if __name__ == "__main__":
    main()
