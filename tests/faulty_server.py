"""A loopback HTTP/1.1 server that misbehaves on purpose, on raw sockets.

``http.server`` cannot lie about Content-Length, reset a connection or hang mid-body; a route here gets
the connection itself (:class:`Exchange`) and may do any of that. Every request is logged with its arrival
time and the listener address it came in on, and the server tracks how many requests it was serving at
once, so tests can check back-off, Retry-After, robots.txt and per-host concurrency from the server side.

Routes are keyed by path: ``"/x.html"`` matches exactly, ``"/trap/*"`` matches the prefix. Unknown paths
get a 404. The server binds only to loopback addresses (several, e.g. 127.0.0.1 and 127.0.0.2, share a
port so one host name can resolve to a listener the crawl is not allowed to reach).
"""

from __future__ import annotations

import html
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit

READ_TIMEOUT = 10.0  # seconds a connection may idle between requests
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 429: "Too Many Requests"}
_REASONS |= {500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass(frozen=True)
class Hit:
    """One request as the server received it."""

    at: float  # time.monotonic() when the request head was complete
    method: str
    target: str
    headers: dict[str, str]
    listener: str  # the local address the connection came in on

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


@dataclass
class Exchange:
    """One request and its connection: what a route reads and writes."""

    conn: socket.socket
    hit: Hit
    attempt: int  # 1 for the first request for this target, 2 for the next...
    stopping: threading.Event
    keep_alive: bool = True
    sent: int = field(default=0)

    @property
    def path(self) -> str:
        return self.hit.path

    def send(self, data: bytes) -> bool:
        """Write raw bytes; False when the client has gone (the route should stop)."""
        try:
            self.conn.sendall(data)
        except OSError:
            self.keep_alive = False
            return False
        self.sent += len(data)
        return True

    def head(self, status: int, headers: Iterable[tuple[str, str]] = (), reason: str | None = None) -> bool:
        lines = [f"HTTP/1.1 {status} {reason or _REASONS.get(status, 'Whatever')}"]
        lines += [f"{name}: {value}" for name, value in headers]
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def reply(
        self,
        status: int = 200,
        body: bytes = b"",
        headers: Sequence[tuple[str, str]] = (),
        content_type: str | None = "text/html; charset=utf-8",
    ) -> None:
        """A well-formed response with a correct Content-Length."""
        fields = [("Content-Type", content_type)] if content_type else []
        fields += [*headers, ("Content-Length", str(len(body)))]
        if self.hit.headers.get("connection", "").lower() == "close":
            self.keep_alive = False
            fields.append(("Connection", "close"))
        if self.head(status, fields):
            self.send(body)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), the way a crashing server does."""
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.keep_alive = False
        self.conn.close()

    def close(self) -> None:
        """Close normally (FIN) without finishing the response."""
        self.keep_alive = False
        try:
            self.conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()

    def wait(self, seconds: float) -> bool:
        """Sleep, but stop early (returning False) if the client hangs up or the server stops."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.stopping.is_set():
                return False
            readable, _, _ = select.select([self.conn], [], [], min(left, 0.05))
            if readable:
                try:
                    if not self.conn.recv(1, socket.MSG_PEEK):
                        self.keep_alive = False
                        return False
                except OSError:
                    self.keep_alive = False
                    return False
        return True


Route = Callable[[Exchange], None]


def html_page(title: str, links: Iterable[str] = (), text: str = "") -> bytes:
    """A small, valid HTML page with links (hrefs used as given)."""
    anchors = "".join(f'<li><a href="{html.escape(href)}">{html.escape(href)}</a></li>' for href in links)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p><ul>{anchors}</ul></body></html>"
    ).encode()


class FaultyServer:
    """Serves ``routes`` on one port of each of ``hosts`` (loopback addresses only)."""

    def __init__(self, routes: dict[str, Route], hosts: Sequence[str] = ("127.0.0.1",)) -> None:
        self.routes = routes
        self.hosts = tuple(hosts)
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.port = 0
        self._lock = threading.Lock()
        self._attempts: dict[str, int] = {}
        self._stopping = threading.Event()
        self._listeners: list[socket.socket] = []
        self._connections: set[socket.socket] = set()

    # lifecycle
    def start(self) -> FaultyServer:
        for host in self.hosts:
            if not host.startswith("127."):
                raise ValueError(f"{host} is not a loopback address")
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, self.port))
            self.port = listener.getsockname()[1]
            listener.listen(64)
            self._listeners.append(listener)
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for listener in self._listeners:
            listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> FaultyServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # what tests read
    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.hosts[0]}:{self.port}{path}"

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    # serving
    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(READ_TIMEOUT)
        buffer = b""
        try:
            while not self._stopping.is_set():
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                exchange = self._exchange(conn, head)
                self._run(exchange)
                if not exchange.keep_alive:
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._connections.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def _exchange(self, conn: socket.socket, head: bytes) -> Exchange:
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _ = [*request_line.split(" ", 2), "", ""][:3]
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        hit = Hit(time.monotonic(), method, target, headers, conn.getsockname()[0])
        with self._lock:
            self.hits.append(hit)
            self._attempts[target] = attempt = self._attempts.get(target, 0) + 1
        return Exchange(conn, hit, attempt, self._stopping)

    def _route(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        prefixes = [key[:-1] for key in self.routes if key.endswith("*") and path.startswith(key[:-1])]
        return self.routes[max(prefixes, key=len) + "*"] if prefixes else None

    def _run(self, exchange: Exchange) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            route = self._route(exchange.path)
            if route is None:
                exchange.reply(404, html_page("Not found"))
            else:
                route(exchange)
        finally:
            with self._lock:
                self.in_flight -= 1
