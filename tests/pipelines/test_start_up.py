"""A stage's process imports only its own pipeline; none imports PyTorch, SciPy,
scikit-learn, matplotlib, Captum or Optuna before its first node (they take 0.5-1.5 s each:
a comparison switched off, or a stage waiting for its first node, should not pay them)."""

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

HEAVY = ["torch", "sklearn", "scipy", "matplotlib", "captum", "optuna", "opacus", "onnx"]

# As `kedro run` starts: the project bootstrapped (settings, hooks), every pipeline built.
IMPORT_EVERY_PIPELINE = """
import json, sys
from pathlib import Path
from kedro.framework.startup import bootstrap_project
bootstrap_project(Path.cwd())
from kedro.framework.project import pipelines
built = dict(pipelines)
print(json.dumps({"pipelines": sorted(built), "heavy": sorted(
    name for name in %r if name in sys.modules)}))
"""


def test_no_pipeline_imports_a_heavy_library_before_its_nodes_run():
    found = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_PIPELINE % HEAVY],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr[-3000:]
    result = json.loads(found.stdout)
    assert len(result["pipelines"]) >= 10  # every pipeline was imported and built
    assert result["heavy"] == [], result
