"""The explainability report's explorer: pick any explained row (by its test-row number, by
class, correct or misclassified) and see its prediction, probabilities and the
attributions of every method, in the page itself.

The page stays one offline file: the rows' figures are embedded as JSON (values to three
significant digits, attributions a byte each) and explorer.js is inlined; nothing is
fetched. Images are drawn
beside their attribution maps on canvases, one colour scale per method (as the report's
pictures); a table's rows list their top features with the value in its own units beside
the attribution.
"""

from __future__ import annotations

import numpy as np

from glassbox.explain.pictures import original_units, symmetric_limit
from glassbox.html_report import escape, json_for_script
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.tasks import get_task


def _rounded(values: np.ndarray) -> list:
    return [float(f"{v:.3g}") for v in np.asarray(values, dtype=float).ravel()]


def payload(explanations: dict, preprocessor: Preprocessor) -> dict:
    """What the explorer shows, as plain values."""
    task = get_task(explanations.get("task", preprocessor.task))
    methods = list(explanations["attributions"])
    X = original_units(explanations["X"], preprocessor)
    rows = []
    for i, row_id in enumerate(explanations["row_ids"]):
        if task.predicts_classes:
            proba = explanations["probabilities"][i]
            entry = {
                "true": str(preprocessor.classes[explanations["labels"][i]]),
                "predicted": str(preprocessor.classes[int(np.argmax(proba))]),
                "probabilities": _rounded(proba),
            }
        else:
            true = preprocessor.decode_values(explanations["labels"][i : i + 1])[0]
            predicted = preprocessor.decode_values(explanations["probabilities"][i : i + 1, 0])[0]
            entry = {"true": float(f"{true:.4g}"), "predicted": float(f"{predicted:.4g}")}
        rows.append({"id": int(row_id), **entry, "values": _rounded(X[i])})
    layout = preprocessor.image_layout()
    return {
        "features": list(preprocessor.feature_names),
        "classes": [str(c) for c in preprocessor.classes] if task.predicts_classes else [],
        "image": layout["image_shape"][-2:] if layout else None,
        "pixels": _pixel_positions(preprocessor) if layout else None,
        "methods": methods,
        "limits": {m: symmetric_limit(explanations["attributions"][m].values) for m in methods},
        "attributions": {m: _quantised(explanations["attributions"][m].values) for m in methods},
        "rows": rows,
    }


def _quantised(values: np.ndarray) -> dict:
    """A method's attributions (rows x features) in a byte each: steps of 1/127 of the
    largest |attribution|, base64 encoded. On digits this keeps the explorer's data at a
    fifth of three-digit decimals (360 rows x 64 pixels x 6 methods), and 1 % of the largest
    attribution is finer than the colour scale shows."""
    import base64

    largest = float(np.abs(values).max(initial=0.0)) or 1.0
    codes = np.clip(np.round(np.asarray(values) / largest * 127), -127, 127).astype(np.int8)
    return {"step": largest / 127, "codes": base64.b64encode(codes.tobytes()).decode("ascii")}


def _pixel_positions(preprocessor: Preprocessor) -> list[int]:
    """Where each feature falls on the image grid (channels folded together): the flat pixel
    index per feature, -1 for a feature that is not a pixel; the inverse of the
    preprocessor's image layout."""
    layout = preprocessor.image_layout()
    pixels = layout["image_shape"][-2] * layout["image_shape"][-1]
    found = [-1] * len(preprocessor.feature_names)
    for pixel, feature in enumerate(layout["pixel_index"]):
        if feature >= 0:
            found[feature] = pixel % pixels
    return found


def section(data: dict) -> str:
    """The explorer's HTML: controls, the view, the embedded data and the script."""
    text = json_for_script(data)
    classes = "".join(f"<option>{escape(c)}</option>" for c in data["classes"])
    class_filter = (
        '<label>class <select id="explorer-class"><option value="">any</option>'
        f"{classes}</select></label> "
        '<label>predictions <select id="explorer-which"><option value="">all</option>'
        '<option value="correct">correct</option>'
        '<option value="wrong">misclassified</option></select></label> '
        if data["classes"]
        else ""
    )
    return (
        '<div id="explorer" class="explorer">'
        '<p><label>test row <input id="explorer-row" type="number" min="0"></label> '
        f"{class_filter}"
        '<label>rows <select id="explorer-list"></select></label> '
        '<span id="explorer-count"></span></p>'
        '<div id="explorer-view"></div></div>'
        f'<script type="application/json" id="explorer-data">{text}</script>'
        f"<script>{script()}</script>"
    )


def script() -> str:
    """explorer.js, beside this module: small and dependency-free, since it must work from a
    file with no network."""
    from importlib.resources import files

    return files("glassbox.explain").joinpath("explorer.js").read_text(encoding="utf-8")
