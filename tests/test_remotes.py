"""DVC remotes against a real S3 endpoint on loopback (moto's server, as dvc-s3's own tests
use): push, a fresh clone, pull; Kedro reading raw data from S3 with credentials from
conf/local."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import boto3
import numpy as np
import pytest
import yaml
from benchmarks.make_run_stages import TARGETS
from moto.server import ThreadedMotoServer

from tests.conftest import (
    copy_project,
    file_digests,
    kedro_run,
    run_cli,
    set_parameters,
    small_comparisons,
    write_digits,
)
from tests.flaky_proxy import FlakyProxy

pytestmark = pytest.mark.e2e

BUCKET = "glassbox-test"
# A fake key for moto (which takes any); it must never reach a log.
SECRET = "glassbox-test-secret-7f3a"  # pragma: allowlist secret


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Endpoint:
    """moto's S3 server on 127.0.0.1."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
        self.server._server.server_close()  # stop() alone leaves the port listening

    def client(self):
        return boto3.client("s3", endpoint_url=self.url, region_name="us-east-1")

    def count(self, prefix: str) -> int:
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        )
        return sum(page.get("KeyCount", 0) for page in pages)


@pytest.fixture(scope="module")
def s3():
    saved = {
        k: os.environ.get(k)
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    }
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1"
    )
    endpoint = S3Endpoint()
    endpoint.start()
    endpoint.client().create_bucket(Bucket=BUCKET)
    yield endpoint
    endpoint.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def git_repo(project: Path) -> None:
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "start"]):
        assert run_cli(args, project).returncode == 0


def use_s3_remote(project: Path, endpoint_url: str, prefix: str) -> None:
    """What the README tells a user: the remote and its endpoint in .dvc/config (shared),
    credentials in environment variables (never in git)."""
    for args in (
        ["dvc", "remote", "add", "-d", "s3", f"s3://{BUCKET}/{prefix}"],
        ["dvc", "remote", "modify", "s3", "endpointurl", endpoint_url],
    ):
        result = run_cli(args, project)
        assert result.returncode == 0, result.stderr


def dvc_outputs(project: Path) -> dict[str, str]:
    digests = file_digests(project / "data")
    return {k: v for k, v in digests.items() if not k.endswith((".gitignore", ".gitkeep"))}


def quick_parameters(project: Path) -> None:
    set_parameters(project, "training", epochs=10)
    small_comparisons(project)
    set_parameters(project, "explainability", max_rows=60)


def test_push_clone_pull_gives_the_same_files_and_nothing_to_reproduce(s3, tmp_path):
    origin = copy_project(tmp_path / "origin")
    quick_parameters(origin)
    git_repo(origin)
    use_s3_remote(origin, s3.url, "roundtrip")
    assert run_cli(["dvc", "repro", *TARGETS["no"]], origin).returncode == 0
    assert run_cli(["git", "add", "-A"], origin).returncode == 0
    assert run_cli(["git", "commit", "-qm", "results"], origin).returncode == 0

    pushed = run_cli(["dvc", "push"], origin)
    assert pushed.returncode == 0, pushed.stderr
    assert s3.count("roundtrip/") > 0

    fresh = tmp_path / "fresh"
    assert run_cli(["git", "clone", "-q", str(origin), str(fresh)], tmp_path).returncode == 0
    pulled = run_cli(["dvc", "pull", "--with-deps", *TARGETS["no"]], fresh)
    assert pulled.returncode == 0, pulled.stderr
    status = run_cli(["dvc", "status", *TARGETS["no"]], fresh)
    assert "Data and pipelines are up to date." in status.stdout, status.stdout
    again = run_cli(["dvc", "repro", *TARGETS["no"]], fresh)
    assert again.returncode == 0 and "Running stage" not in again.stdout
    assert dvc_outputs(fresh) == {
        k: v for k, v in dvc_outputs(origin).items() if not k.startswith("06_models/checkpoints")
    }
    assert SECRET not in pushed.stdout + pushed.stderr + pulled.stdout + pulled.stderr


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
    git_repo(origin)
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
