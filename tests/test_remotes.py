"""DVC remotes against a real S3 endpoint on loopback (moto's server, as dvc-s3's own tests
use): a push cut off midway; Kedro reading raw data from S3 with credentials from
conf/local. (The whole route, push then a fresh clone's pull, is in tests/test_end_to_end.py
and tests/test_first_hour.py, for a folder remote and for S3.)"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from tests.conftest import copy_project, kedro_run, run_cli, write_digits
from tests.flaky_proxy import FlakyProxy
from tests.s3 import BUCKET, SECRET, _free_port
from tests.sharing import commit, dvc_outputs, use_s3_remote

pytestmark = pytest.mark.e2e


def test_kedro_reads_raw_data_from_s3_with_local_credentials_and_never_logs_them(s3, tmp_path):
    project = copy_project(tmp_path / "project")
    write_digits(project)
    s3.client().upload_file(str(project / "data/01_raw/digits.csv"), BUCKET, "raw/digits.csv")
    (project / "data/01_raw/digits.csv").unlink()  # only the copy in S3 remains
    (project / "conf/local/credentials.yml").write_text(
        yaml.safe_dump(
            {
                "s3_raw": {
                    "key": "testing",
                    "secret": SECRET,
                    "client_kwargs": {"endpoint_url": s3.url, "region_name": "us-east-1"},
                }
            }
        )
    )
    (project / "conf/local/catalog.yml").write_text(
        yaml.safe_dump(
            {
                "raw_data": {
                    "type": "pandas.CSVDataset",
                    "filepath": f"s3://{BUCKET}/raw/digits.csv",
                    "credentials": "s3_raw",
                }
            }
        )
    )
    result = kedro_run(project, "--pipelines", "data_processing")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (project / "data/05_model_input/X_train.parquet").is_file()
    assert SECRET not in result.stdout + result.stderr

    # A failed load prints the dataset's description in its error: no credentials there.
    catalog = project / "conf/local/catalog.yml"
    catalog.write_text(catalog.read_text().replace("raw/digits.csv", "raw/missing.csv"))
    failed = kedro_run(project, "--pipelines", "data_processing")
    assert failed.returncode != 0
    assert "raw/missing.csv" in failed.stdout + failed.stderr
    assert SECRET not in failed.stdout + failed.stderr
    for log in project.rglob("*.log"):  # should logging to files be switched on
        assert SECRET not in log.read_text()


@pytest.fixture
def proxy(s3):
    """The S3 endpoint seen through a proxy that can cut it off (see tests/flaky_proxy.py)."""
    flaky = FlakyProxy(target_port=s3.port, port=_free_port())
    flaky.up()
    yield flaky
    flaky.down()


def test_push_cut_off_midway_fails_clearly_then_completes_and_pulls_intact(s3, proxy, tmp_path):
    """The endpoint goes down after a few uploads: the push must fail (not hang, not claim
    success); once the endpoint is back, pushing again completes, and a fresh clone pulls
    every file intact."""
    origin = copy_project(tmp_path / "origin")
    shards = origin / "data/01_raw/shards"  # many objects, so the cut lands mid-push
    shards.mkdir()
    rng = np.random.default_rng(0)
    for i in range(30):
        (shards / f"shard_{i:02d}.bin").write_bytes(rng.bytes(20_000))
    commit(origin, "start")
    for args in (["dvc", "repro", "example_data"], ["dvc", "add", "data/01_raw/shards"]):
        result = run_cli(args, origin)
        assert result.returncode == 0, result.stderr
    use_s3_remote(origin, proxy.url, "faults")
    for args in (["git", "add", "-A"], ["git", "commit", "-qm", "data"]):
        assert run_cli(args, origin).returncode == 0

    proxy.fail_after(5)
    # One attempt per request (botocore's standard setting, read from the environment): DVC
    # and s3fs still retry, but the failed push ends in seconds rather than minutes.
    cut = run_cli(["dvc", "push"], origin, timeout=300, env={"AWS_MAX_ATTEMPTS": "1"})
    assert cut.returncode != 0, cut.stdout
    assert "failed to push data to the cloud" in cut.stderr, cut.stderr
    assert f'Could not connect to the endpoint URL: "{proxy.url}/' in cut.stderr, cut.stderr
    stored_after_cut = s3.count("faults/")
    assert stored_after_cut > 0

    proxy.up()
    resumed = run_cli(["dvc", "push"], origin)
    assert resumed.returncode == 0, resumed.stderr
    stored = s3.count("faults/")
    assert stored > stored_after_cut, "the first push was cut before its end"
    assert f"{stored - stored_after_cut} files pushed" in resumed.stdout, resumed.stdout

    fresh = tmp_path / "fresh"
    assert run_cli(["git", "clone", "-q", str(origin), str(fresh)], tmp_path).returncode == 0
    pulled = run_cli(["dvc", "pull", "example_data", "data/01_raw/shards.dvc"], fresh)
    assert pulled.returncode == 0, pulled.stderr
    assert dvc_outputs(fresh) == dvc_outputs(origin)
