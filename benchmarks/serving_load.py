"""Load test of the HTTP service on loopback: requests per second and latency percentiles.

Starts `python -m glassbox.deploy.serving` on a free 127.0.0.1 port for the model in ``--folder``
(default: this checkout, after `make run`), with ``--workers`` processes (default 1), then:

1. /predict, 1 row, open loop at a fixed rate (default 1,000 requests/s for 10 s): requests
   are sent on schedule whatever the server does, and latency counts from the scheduled
   time, so a server that falls behind shows it (no coordinated omission);
2. /predict, 1 row, closed loop: the most requests per second it serves;
3. /predict, 100 rows, and /explain, 1 row: closed loop.

Every run is bounded in count and time and talks only to 127.0.0.1. Targets: 1,000
single-row /predict per second closed loop with p99 under 20 ms, and the open loop at
1,000/s sustained with no errors. A case whose requests all fail, or a server that dies,
ends the run with a message saying so.

    .venv/bin/python -m benchmarks.serving_load [--folder .] [--rate 1000] [--seconds 10]
                                                [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT / "src"))
    command = [sys.executable, "-m", "glassbox.deploy.serving", "--folder", str(folder)]
    server = subprocess.Popen([*command, "--port", str(port), "--workers", str(workers)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode} before serving")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not come up within two minutes")


def summary(name: str, latencies: list[float], errors: int, seconds: float) -> str:
    if not latencies:
        raise SystemExit(f"{name}: every one of {errors} requests failed (is the server alive?)")
    ms = np.array(latencies) * 1000
    return (
        f"| {name} | {len(latencies)} | {len(latencies) / seconds:,.0f} | "
        f"{np.percentile(ms, 50):.1f} | {np.percentile(ms, 99):.1f} | {errors} |"
    )


class Connection:
    """One keep-alive HTTP/1.1 connection with a minimal client. An HTTP library's own CPU
    cost per request (about a millisecond for httpx) would be taken from the same two cores
    as the server being measured; this one writes prepared bytes and reads one response."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, url: str) -> Connection:
        host, port = url.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def post(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def prepared(path: str, body: dict) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _timed(pool: asyncio.Queue, request: bytes, since: float, out: dict) -> None:
    connection = await pool.get()
    try:
        ok = await connection.post(request) == 200
    except (OSError, asyncio.IncompleteReadError, ValueError):
        ok = False
    pool.put_nowait(connection)
    if ok:
        out["latencies"].append(time.perf_counter() - since)
    else:
        out["errors"] += 1


async def open_loop(url: str, request: bytes, rate: float, seconds: float) -> tuple:
    """Requests on a fixed schedule; latency from the scheduled time (waiting for a free
    connection counts)."""
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(32):
        pool.put_nowait(await Connection.open(url))
    out = {"latencies": [], "errors": 0}
    tasks = []
    start = time.perf_counter()
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_timed(pool, request, scheduled, out)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().close()
    return out["latencies"], out["errors"], elapsed


async def closed_loop(url: str, request: bytes, requests: int, workers: int) -> tuple:
    """``workers`` connections, each sending its next request when the last one returns."""
    out = {"latencies": [], "errors": 0}
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        pool: asyncio.Queue = asyncio.Queue()
        pool.put_nowait(await Connection.open(url))
        while remaining > 0:
            remaining -= 1
            await _timed(pool, request, time.perf_counter(), out)
        pool.get_nowait().close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return out["latencies"], out["errors"], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1, help="the server's --workers")
    args = parser.parse_args()

    if not (args.folder / "data/06_models/model.safetensors").is_file():
        raise SystemExit(f"no model in {args.folder}/data/06_models: run `make run` first")
    rows = pd.read_csv(args.folder / "data/01_raw/digits.csv").head(100).to_dict("records")
    one = prepared("/predict", {"records": rows[:1]})
    hundred = prepared("/predict", {"records": rows})
    explain = prepared("/explain", {"records": rows[:1]})

    server, url = start_server(args.folder, args.workers)
    try:
        asyncio.run(closed_loop(url, one, 200, 4))  # warm-up
        asyncio.run(closed_loop(url, explain, 50, 4))
        print(f"{args.workers} worker{'s' if args.workers > 1 else ''}:")
        print("| case | requests | requests/s | p50 ms | p99 ms | errors |")
        print("| --- | --- | --- | --- | --- | --- |")
        result = asyncio.run(open_loop(url, one, args.rate, args.seconds))
        print(summary(f"/predict 1 row, open loop at {args.rate:.0f}/s", *result))
        result = asyncio.run(closed_loop(url, one, 3000, 8))
        print(summary("/predict 1 row, closed loop (8 in flight)", *result))
        result = asyncio.run(closed_loop(url, hundred, 500, 4))
        print(summary("/predict 100 rows, closed loop (4 in flight)", *result))
        result = asyncio.run(closed_loop(url, explain, 1000, 4))
        print(summary("/explain 1 row, closed loop (4 in flight)", *result))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
