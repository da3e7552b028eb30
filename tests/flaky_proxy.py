"""A TCP proxy that stands in for an S3 endpoint going down in the middle of a transfer.

Stopping moto's server in-process does not cut connections already open (its handler
threads keep serving keep-alive connections), so a test cannot make the endpoint vanish
that way. This proxy sits between DVC and the endpoint; after a given number of upload
requests (``PUT``) it cuts every open connection and stops listening, as a crashed or
unplugged server would. ``up()`` brings it back on the same port, with the stored objects
intact (the real endpoint behind it kept them), as after a restart."""

from __future__ import annotations

import re
import socket
import threading

# An HTTP request line of an upload; object bodies (binary data files) never contain one.
_PUT_REQUEST = re.compile(rb"PUT /[^ \r\n]* HTTP/1\.[01]\r\n")


class FlakyProxy:
    def __init__(self, target_port: int, port: int) -> None:
        self.target_port = target_port
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.puts_seen = 0
        self._fail_after_puts: int | None = None
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()

    def up(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def fail_after(self, puts: int) -> None:
        """Go down when the upload request after the next ``puts`` ones arrives."""
        self.puts_seen = 0
        self._fail_after_puts = puts

    def down(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            open_sockets, self._open = self._open, set()
            self._fail_after_puts = None
        if listener is not None:
            listener.close()
        for sock in open_sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed: the endpoint is down
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._open |= {client, upstream}
            for src, dst, from_client in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(
                    target=self._forward, args=(src, dst, from_client), daemon=True
                ).start()

    def _forward(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                return
            if not data:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            if from_client and self._trips(data):
                self.down()
                return
            try:
                dst.sendall(data)
            except OSError:
                return

    def _trips(self, data: bytes) -> bool:
        with self._lock:
            if self._fail_after_puts is None:
                return False
            self.puts_seen += len(_PUT_REQUEST.findall(data))
            return self.puts_seen > self._fail_after_puts
