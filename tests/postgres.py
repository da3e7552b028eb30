"""A real PostgreSQL server for the tests of a study shared through a database: started for
the test module in a temporary folder, on a free loopback port, and stopped after it.

The server refuses to run as root, so where the tests run as root (a CI container) it runs
as the unprivileged `nobody` (util-linux's `setpriv`). Its binaries come from the
distribution's package (`apt-get install postgresql`; .ci/run installs it where missing);
without them the tests skip, except in CI, where they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

USER = "glassbox"


def _binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<v>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent  # (a link on PATH: createdb sits beside the target)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(folder: Path) -> list[str]:
    """The command prefix that runs the server's tools as an unprivileged user."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, "nobody", "nogroup")
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


class Server:
    """A running server: ``database(name)`` creates an empty database and gives its URL
    (SQLAlchemy's default PostgreSQL driver, psycopg 3, from the project's lock)."""

    def __init__(self, tool, port: int) -> None:
        self._tool, self.port = tool, port

    def database(self, name: str) -> str:
        self._tool("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"


@contextmanager
def postgres_server() -> Iterator[Server]:
    """A PostgreSQL server in a temporary folder for as long as the context lasts (a folder
    of its own under /tmp: pytest's are closed to other users than the one running it)."""
    binaries = _binaries()
    if binaries is None:
        message = "PostgreSQL's server (initdb, pg_ctl) is missing: apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="glassbox-postgres-"))
    prefix = _as_server_user(folder)
    data, port = folder / "data", _free_port()

    def tool(name: str, *args: str) -> None:
        done = subprocess.run(
            [*prefix, str(binaries / name), *args], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"

    tool("initdb", "-D", str(data), "-U", USER, "--auth=trust", "--no-sync")
    options = f"-p {port} -h 127.0.0.1 -k {folder} -c fsync=off"
    tool("pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start")
    try:
        yield Server(tool, port)
    finally:
        tool("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
