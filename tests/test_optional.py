"""The optional parts' switches (glassbox.optional): one place, checked, and the record a
part switched off writes."""

from __future__ import annotations

import json
import sys

import yaml
from benchmarks.make_run_stages import set_optional

from glassbox import optional
from glassbox.project_config import load_parameters
from tests.conftest import PROJECT_ROOT, copy_project, run_cli


def test_the_switches_file_holds_every_part_at_its_documented_default():
    conf = yaml.safe_load((PROJECT_ROOT / optional.PARAMETERS_FILE).read_text())["optional"]
    assert conf == optional.DEFAULTS == load_parameters(PROJECT_ROOT)["optional"]
    assert optional.DEFAULTS == {
        "optimizer_comparison": True,
        "architecture_comparison": False,
        "privacy_comparison": False,
        "pipeline_picture": True,
    }


def test_each_stage_tracks_its_own_switch_only():
    stages = yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]
    for part in optional.DEFAULTS:
        tracked = [
            key
            for entry in stages[part]["params"]
            for key in entry.get(optional.PARAMETERS_FILE, [])
        ]
        assert tracked == [optional.switch(part)], (part, tracked)
    for stage in ("data_processing", "training", "evaluation", "explainability"):
        assert not any(optional.PARAMETERS_FILE in e for e in stages[stage].get("params", []))


def test_a_part_switched_off_says_how_to_ask_for_it(caplog):
    caplog.set_level("INFO", logger="glassbox.optional")
    summary, page = optional.not_requested("privacy_comparison", "Privacy comparison")
    assert summary["requested"] is False and not optional.requested(summary)
    command = "dvc exp run -S conf/base/parameters_optional.yml:optional.privacy_comparison=true"
    assert command in summary["how_to_request"] and command in page
    assert "Privacy comparison: not requested (optional.privacy_comparison is false" in caplog.text
    assert optional.requested({"variants": {}}) and not optional.requested(None)
    json.dumps(summary)  # written by a JSON dataset


def test_the_pipeline_picture_switched_off_is_a_page_that_says_so(tmp_path):
    project = copy_project(tmp_path / "project")
    set_optional(project, pipeline_picture=False)
    target = project / "data/08_reporting/pipelines"
    made = run_cli([sys.executable, "-m", "glassbox.tools.pipeline_picture", str(target)], project)
    assert made.returncode == 0, made.stderr
    assert [p.name for p in target.iterdir()] == ["index.html"]
    assert "optional.pipeline_picture is false" in (target / "index.html").read_text()
    assert not (project / "build").exists()
