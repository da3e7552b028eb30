"""The HTTP service's page at `/`: "what if this value were different?"

It starts from a typical row (each numeric column at its training mean, each categorical
column at its most frequent value, both as the preprocessor learned them), lets the user
edit any value, and shows the prediction and its attributions as they change, through the
service's own `/predict` and `/explain`. One page, its script inlined (what_if.js beside
this module): it asks nothing of any other host.
"""

from __future__ import annotations

from importlib.resources import files

from glassbox.html_report import STYLE as REPORT_STYLE
from glassbox.html_report import escape, json_for_script
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.tasks import get_task

# The reports' style (html_report.STYLE), and the form's.
STYLE = (
    REPORT_STYLE
    + """
#row { display: grid; grid-template-columns: repeat(auto-fill, minmax(11em, 1fr)); gap: 0.4em; }
#row.image { grid-template-columns: repeat(var(--columns), 4.2em); }
#row label { display: flex; flex-direction: column; font-size: 0.85em; }
#row input, #row select { width: 100%; box-sizing: border-box; }
.bar { display: inline-block; height: 0.8em; vertical-align: middle; }
#attributions td { border: none; padding: 0.15em 0.6em; }
#attributions td:last-child { text-align: left; }
.note { margin-top: 1em; }
"""
)


def typical_row(preprocessor: Preprocessor) -> dict:
    """Each numeric column at its training mean, each categorical at its first (most
    frequent) category: the row the page starts from."""
    row = dict(zip(preprocessor.numeric_columns, preprocessor.means, strict=True))
    for column in preprocessor.categorical_columns:
        fill = preprocessor.fill_values.get(column)
        options = preprocessor.categories[column]
        row[column] = fill if fill in options else (options[0] if options else None)
    # four significant digits: short inputs, whatever the column's units
    return {k: (float(f"{v:.4g}") if isinstance(v, float) else v) for k, v in row.items()}


def page_data(preprocessor: Preprocessor) -> dict:
    """The page's inputs (laid out on the image grid for an image) and what it predicts."""
    start = typical_row(preprocessor)
    columns = [
        {"name": c, "kind": "number", "value": start[c]} for c in preprocessor.numeric_columns
    ]
    columns += [
        {"name": c, "kind": "category", "options": preprocessor.categories[c], "value": start[c]}
        for c in preprocessor.categorical_columns
    ]
    grid = None
    shape = preprocessor.image_shape
    if shape and len(shape) == 2 and len(preprocessor.raw_feature_columns) == shape[0] * shape[1]:
        position = {c: i for i, c in enumerate(preprocessor.raw_feature_columns)}
        for column in columns:
            column["cell"] = position[column["name"]]
        grid = list(shape)
    return {
        "columns": columns,
        "grid": grid,
        "predicts_classes": get_task(preprocessor.task).predicts_classes,
        "target": preprocessor.target,
    }


def page(preprocessor: Preprocessor) -> str:
    data = json_for_script(page_data(preprocessor))
    script = files("glassbox.deploy").joinpath("what_if.js").read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        # an empty icon: the browser asks the service for no /favicon.ico
        '<link rel="icon" href="data:,">'
        f"<title>What if? glassbox</title><style>{STYLE}</style></head><body>"
        f"<h1>What if?</h1><p>Predicting <strong>{escape(preprocessor.target)}</strong>. The "
        "row starts at the training data's typical values; change any of them and the "
        "prediction and its attributions (Integrated Gradients, from <code>/predict</code> "
        'and <code>/explain</code>) follow. <a href="/docs">The API</a>, '
        '<a href="/model">the model card</a>.</p>'
        '<form id="row"></form>'
        '<div class="note" id="prediction" aria-live="polite">…</div>'
        "<h2>Attributions</h2><p>Positive (red) pushes towards the prediction, negative (blue) "
        'against; the ten largest.</p><table id="attributions"></table>'
        f'<script type="application/json" id="what-if-data">{data}</script>'
        f"<script>{script}</script></body></html>\n"
    )
