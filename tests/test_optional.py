"""The optional parts' switches (glassbox.optional): one place, checked, and the record a
part switched off writes."""

from __future__ import annotations

import json
import sys

import pytest
import yaml

from glassbox import optional
from glassbox.parameters import (
    ArchitectureComparisonParams,
    OptimizerComparisonParams,
    PrivacyComparisonParams,
)
from glassbox.wiring.project_config import load_globals, load_parameters
from tests.conftest import PROJECT_ROOT, copy_project, run_cli


def test_the_switches_in_globals_yml_are_the_documented_defaults_and_reach_the_parameters():
    conf = yaml.safe_load((PROJECT_ROOT / optional.GLOBALS_FILE).read_text())["optional"]
    assert conf == optional.DEFAULTS
    params = load_parameters(PROJECT_ROOT)
    models = {
        "optimizer_comparison": OptimizerComparisonParams,
        "architecture_comparison": ArchitectureComparisonParams,
        "privacy_comparison": PrivacyComparisonParams,
    }
    for part, model in models.items():
        assert params[part]["enabled"] is optional.DEFAULTS[part], part  # the interpolation
        assert model().enabled is optional.DEFAULTS[part], part  # and the model's default


def test_an_unknown_part_or_a_value_not_true_or_false_is_refused_by_name():
    assert optional.switches(load_globals(PROJECT_ROOT)) == optional.DEFAULTS
    with pytest.raises(ValueError, match="optional.privacy_comparisons in globals.yml is not"):
        optional.switches({"optional": {"privacy_comparisons": True}})
    with pytest.raises(ValueError, match="must be true or false; got 'maybe'"):
        optional.switches({"optional": {"pipeline_picture": "maybe"}})


def test_a_part_switched_off_says_how_to_ask_for_it(caplog):
    caplog.set_level("INFO", logger="glassbox.optional")
    summary, page = optional.not_requested("privacy_comparison", "Privacy comparison")
    assert summary["requested"] is False and not optional.requested(summary)
    command = "dvc exp run -S conf/base/globals.yml:optional.privacy_comparison=true"
    assert command in summary["how_to_request"] and command in page
    assert "Privacy comparison: not requested (optional.privacy_comparison is false" in caplog.text
    assert optional.requested({"variants": {}}) and not optional.requested(None)
    json.dumps(summary)  # written by a JSON dataset


def test_the_pipeline_picture_switched_off_is_a_page_that_says_so(tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / optional.GLOBALS_FILE
    settings = yaml.safe_load(path.read_text())
    settings["optional"]["pipeline_picture"] = False
    path.write_text(yaml.safe_dump(settings))
    target = project / "data/08_reporting/pipelines"
    made = run_cli([sys.executable, "-m", "glassbox.tools.pipeline_picture", str(target)], project)
    assert made.returncode == 0, made.stderr
    assert [p.name for p in target.iterdir()] == ["index.html"]
    assert "optional.pipeline_picture is false" in (target / "index.html").read_text()
    assert not (project / "build").exists()
