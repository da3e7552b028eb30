"""`make run` puts the input files no stage writes under DVC (glassbox.tools.track_inputs)."""

from __future__ import annotations

import yaml

from glassbox.tools.track_inputs import track, untracked_inputs
from tests.conftest import run_cli

DVC_YAML = {
    "stages": {
        "prepare": {
            "cmd": "true",
            "deps": ["src/x.py", "conf/base/x.yml", "data/01_raw/mine.csv", "/elsewhere/t.csv"],
            "outs": ["data/05_model_input/x.parquet"],
        },
        "train": {"cmd": "true", "deps": ["data/05_model_input/x.parquet"], "outs": ["m"]},
    }
}


def test_the_inputs_no_stage_writes_are_tracked_and_their_changes_recorded(tmp_path):
    (tmp_path / "dvc.yaml").write_text(yaml.safe_dump(DVC_YAML))
    assert untracked_inputs(tmp_path) == ["/elsewhere/t.csv", "data/01_raw/mine.csv"]
    for args in (["git", "init", "-q"], ["dvc", "init", "-q"]):
        assert run_cli(args, tmp_path).returncode == 0
    table = tmp_path / "data/01_raw/mine.csv"
    table.parent.mkdir(parents=True)
    table.write_text("a,b\n1,2\n")

    said = track(tmp_path)
    record = tmp_path / "data/01_raw/mine.csv.dvc"
    assert record.is_file()
    assert said[0].startswith("Note: /elsewhere/t.csv lies outside the project")
    assert said[1].startswith("data/01_raw/mine.csv is now versioned by DVC")
    assert track(tmp_path) == said[:1]  # unchanged: nothing to say

    table.write_text("a,b\n1,3\n")
    assert track(tmp_path)[1].startswith("data/01_raw/mine.csv changed: DVC's record")
    assert yaml.safe_load(record.read_text())["outs"][0]["size"] == len("a,b\n1,3\n")
