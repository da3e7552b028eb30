"""A real S3 endpoint on loopback for the remote tests: moto's server (as dvc-s3's own tests
use). The `s3` fixture (tests/conftest.py) starts one per test module, with fake
credentials in the environment while it runs."""

from __future__ import annotations

import socket

import boto3
from moto.server import ThreadedMotoServer

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
