"""Every string that comes from the user's data (column names, class labels) reaches the
HTML reports escaped, through a real `kedro run`; and DVC's plots page built from the same
outputs carries no live markup either."""

from __future__ import annotations

import re

import pytest

from tests.conftest import kedro_run, run_cli, set_parameters, small_comparisons, use_dataset

pytestmark = pytest.mark.e2e

COLUMN = "<img src=x onerror=alert(1)>"
LABELS = {"big": "</script><script>alert(2)</script>", "small": "<b>small</b>"}
PAYLOADS = [COLUMN, *LABELS.values(), "<script>alert", "onerror=alert(1)>"]
# The scripts a report may hold: its own (sortable tables; the explainability report's
# explorer and the explorer's data), and nothing from the data.
OWN_SCRIPTS = {"<script>": 1, '<script type="application/json" id="explorer-data">': 1}


def test_column_names_and_labels_from_the_data_are_escaped_in_every_report(
    project_copy, mixed_table, tmp_path
):
    table = mixed_table.rename(columns={"Size (cm)": COLUMN})
    table["kind"] = table["kind"].replace(LABELS)
    user_file = tmp_path / "hostile.csv"
    table.to_csv(user_file, index=False)
    use_dataset(
        project_copy,
        raw_data=str(user_file),
        new_data=str(user_file),
        target="kind",
        image_shape=None,
    )
    set_parameters(project_copy, "training", epochs=5)
    small_comparisons(project_copy)
    set_parameters(project_copy, "explainability", max_rows=30)

    result = kedro_run(project_copy)
    assert result.returncode == 0, result.stderr[-3000:]

    reports = sorted((project_copy / "data/08_reporting").glob("*.html"))
    assert [r.name for r in reports] == [
        "architecture_comparison.html",
        "evaluation_report.html",
        "explainability_report.html",
        "optimizer_comparison.html",
        "privacy_comparison.html",
    ]
    explainability = reports[2].read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in explainability  # shown, as text
    for report in reports:
        page = report.read_text()
        for payload in PAYLOADS:
            assert payload not in page, (report.name, payload)
        scripts = re.findall(r"<script[^>]*>", page)
        assert set(scripts) <= set(OWN_SCRIPTS), (report.name, scripts)
        explorer = report.name == "explainability_report.html"
        assert len(scripts) == page.count("</script>") == (3 if explorer else 1), report.name

    for args in (["git", "init", "-q"], ["dvc", "plots", "show", "--out", "plots_html"]):
        assert run_cli(args, project_copy).returncode == 0
    plots_page = (project_copy / "plots_html/index.html").read_text()
    for payload in LABELS.values():
        assert payload not in plots_page, payload
