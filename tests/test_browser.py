"""The reports and the service's what-if page in a real headless Chromium (the
distribution's `chromium`, driven by Playwright; nothing downloads a browser): no console
error, no request leaving the file (or the service), and the interactive parts working.

Without a Chromium these tests skip and say how to install one, except in CI (`CI=true`),
where `.ci/run` installs it and a missing browser is a failure.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.browser import Watched
from tests.deploy.test_serving import Server

pytestmark = pytest.mark.e2e

REPORTS = (
    "evaluation_report.html",
    "explainability_report.html",
    "optimizer_comparison.html",
    "architecture_comparison.html",
    "privacy_comparison.html",
)


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_opens_offline_with_no_console_error(browser, trained_project, name):
    path = trained_project / "data/08_reporting" / name
    watched = Watched(browser)
    watched.page.goto(path.as_uri())
    watched.page.wait_for_load_state("load")
    assert watched.page.locator("h1").is_visible()
    images = watched.page.locator("img")
    for i in range(images.count()):  # every figure decoded (an embedded PNG, not a broken link)
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    first_heading = watched.page.locator("thead th").first
    if first_heading.count():  # tables sort by a clicked column
        first_heading.click()
        assert first_heading.get_attribute("aria-sort") == "ascending"
    assert watched.errors == []
    assert watched.outside(path.as_uri(), "data:") == []  # nothing fetched from elsewhere
    watched.page.close()


def test_the_explorer_shows_a_chosen_rows_prediction_and_attributions(browser, trained_project):
    path = trained_project / "data/08_reporting/explainability_report.html"
    watched = Watched(browser)
    watched.page.goto(path.as_uri())
    options = watched.page.locator("#explorer-list option")
    total = options.count()
    assert total == 360  # every test row of digits (explainability.max_rows: 2,000)
    chosen = options.nth(7).get_attribute("value")
    watched.page.fill("#explorer-row", chosen)
    watched.page.dispatch_event("#explorer-row", "change")
    view = watched.page.locator("#explorer-view")
    assert view.locator("h3").inner_text().startswith(f"Test row {chosen}:")
    # digits: the image and one attribution map per method, drawn on canvases
    methods = watched.page.evaluate(
        "JSON.parse(document.getElementById('explorer-data').textContent).methods.length"
    )
    assert view.locator("canvas").count() == methods + 1
    assert "probabilities:" in view.inner_text()
    # filters: the misclassified rows only, then one class
    watched.page.select_option("#explorer-which", "wrong")
    wrong = watched.page.locator("#explorer-list option").count()
    assert wrong < total
    watched.page.select_option("#explorer-which", "")
    watched.page.select_option("#explorer-class", "3")
    for text in watched.page.locator("#explorer-list option").all_inner_texts():
        assert "true 3," in text
    assert watched.errors == []
    watched.page.close()


def test_the_what_if_page_shows_a_changed_prediction_after_an_edit(browser, trained_project):
    digits = pd.read_csv(trained_project / "data/01_raw/digits.csv")
    server = Server(trained_project, "--folder", str(trained_project))
    try:
        rows = digits.drop(columns="digit").head(20).to_dict("records")
        labels = [
            p["label"]
            for p in server.client.post("/predict", json={"records": rows}).json()["predictions"]
        ]
        first = 0
        second = next(i for i, label in enumerate(labels) if label != labels[first])
        base = f"http://127.0.0.1:{server.port}"
        watched = Watched(browser)
        watched.page.goto(base + "/")
        shown = watched.page.locator("#prediction")
        _enter(watched.page, rows[first])
        watched.page.wait_for_function(
            "label => document.getElementById('prediction').textContent"
            ".startsWith('Prediction: ' + label + ' ')",
            arg=str(labels[first]),
        )
        assert watched.page.locator("#attributions tr").count() == 10
        _enter(watched.page, rows[second])  # the user edits the values
        watched.page.wait_for_function(
            "label => document.getElementById('prediction').textContent"
            ".startsWith('Prediction: ' + label + ' ')",
            arg=str(labels[second]),
        )
        assert labels[second] != labels[first] and shown.is_visible()
        assert watched.errors == []
        assert watched.outside(base) == []  # only the service was asked
        watched.page.close()
    finally:
        server.stop()


def _enter(page, row: dict) -> None:
    """Type a row's values into the page's inputs (the columns the model takes)."""
    names = page.eval_on_selector_all("#row input", "inputs => inputs.map(i => i.name)")
    for name in names:
        page.fill(f'#row input[name="{name}"]', str(row[name]))


def test_the_pipeline_picture_is_built_offline_and_draws_every_pipeline(
    browser, trained_project, tmp_path
):
    """`python -m glassbox.tools.pipeline_picture` (the dvc stage's command): Kedro-Viz's
    static build, opened from a loopback server as the docs say, asking no other host."""
    import functools
    import http.server
    import subprocess
    import sys
    import threading

    from tests.conftest import cli_env

    target = tmp_path / "pipelines"
    built = subprocess.run(
        [sys.executable, "-m", "glassbox.tools.pipeline_picture", str(target)],
        cwd=trained_project,
        env=cli_env(trained_project),
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert not (trained_project / "build").exists()  # moved to the target
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(target))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        watched = Watched(browser)
        watched.page.goto(base + "/")
        nodes = watched.page.locator("g.pipeline-node")
        nodes.first.wait_for(timeout=30_000)
        assert nodes.count() > 40  # every pipeline's nodes and datasets (__default__)
        assert watched.page.get_by_text("train_model").count() > 0
        assert watched.outside(base, "blob:") == []  # the web font link was removed
        watched.page.close()
    finally:
        server.shutdown()
