"""Every notebook under notebooks/ runs against real pipeline outputs."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import PROJECT_ROOT, copy_project, kedro_run, write_digits

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def explained_project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("notebooks") / "project")
    write_digits(project)
    result = kedro_run(
        project,
        "--pipelines",
        "data_processing,training,seed_runs,explainability",
        "--params",
        "training.epochs=20,explainability.max_rows=60,explainability.quality.sample_size=20",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return project


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(explained_project, path):
    notebook = nbformat.read(explained_project / "notebooks" / path.name, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(explained_project / "notebooks")}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_there_is_a_notebook():
    assert NOTEBOOKS, "notebooks/ should hold the explainability walkthrough"
