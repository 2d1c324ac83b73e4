"""The site model on the wire: an HTTP/1.1 server on loopback that answers for www.56-china.com.cn.

It answers both as a forward proxy (absolute-form request line, which is how Scrapy talks to ``http_proxy``)
and as a plain origin (origin-form path with ``Host: www.56-china.com.cn``). For convenience in a browser it
also serves origin-form requests addressed to its own loopback address. Anything for another host gets a 502
and is never forwarded: the model never opens a connection.

HTTPS as the real site serves it: ``CONNECT www.56-china.com.cn:443`` opens a tunnel in which the model
speaks TLS with a certificate made when it started (``tls.py``), and serves the same pages under
``https://``. A tunnel is not itself a request in the log; the requests inside it are, with https URLs.

Delivery trouble done here, on top of what ``routes.py`` decides:
- gzip ``Content-Encoding`` for every HTML page when the client's Accept-Encoding allows gzip;
- chunked ``Transfer-Encoding`` (no Content-Length) for the listing pages;
- a slow page (the router's delay, 1.5 s by default);
- conditional GET: a strong ETag (SHA-1 of the bytes sent, so the gzip and identity representations differ)
  and Last-Modified on every 200; If-None-Match, else If-Modified-Since, gives 304 with no body.
Every request is recorded (method, absolute URL, headers, status) so tests can prove what was fetched.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

from sitemodel.content import build_site
from sitemodel.model import HOST, HTTPS_ORIGIN, LISTING_SIZE, ORIGIN, Site
from sitemodel.routes import Reply, Router
from sitemodel.tls import TlsIdentity

CHINA_TIME = timezone(timedelta(hours=8))
CHUNK_SIZE = 1024
IDLE_TIMEOUT = 30  # seconds a keep-alive connection may sit idle


@dataclass(frozen=True)
class ServedRequest:
    """One request the model answered: ``url`` is absolute and percent-encoded ASCII."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    status: int
    proxied: bool

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True when Accept-Encoding admits gzip (explicitly, or through ``*``) with a non-zero q-value."""
    if not accept_encoding:
        return False
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        weights[coding.lower()] = q
    for name in ("gzip", "x-gzip"):
        if name in weights:
            return weights[name] > 0
    return weights.get("*", 0.0) > 0


def http_date(day: date) -> str:
    """Midnight China time of ``day`` as an HTTP date (the site publishes by Beijing calendar day)."""
    moment = datetime(day.year, day.month, day.day, tzinfo=CHINA_TIME)
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, which RFC 9110 prescribes for If-None-Match."""
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def _not_modified_since(if_modified_since: str, last_modified: date) -> bool:
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    modified = datetime(last_modified.year, last_modified.month, last_modified.day, tzinfo=CHINA_TIME)
    return modified <= since


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        router: Router,
        tls: ssl.SSLContext | None = None,
        keep_log: bool = True,
    ) -> None:
        super().__init__(address, _Handler)
        self.router = router
        self.tls = tls
        self.keep_log = keep_log
        self.tunnels = 0
        self.log: list[ServedRequest] = []
        self.log_lock = threading.Lock()
        self._open: set[socket.socket] = set()

    def swap_connection(self, old: socket.socket, new: socket.socket) -> None:
        """Track the TLS socket that replaced a plain one, so close() can still wake its thread."""
        with self.log_lock:
            self._open.discard(old)
            self._open.add(new)
            self.tunnels += 1

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up or fails a TLS handshake is normal on a crawl; anything else is shown."""
        if not isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    def get_request(self) -> tuple[socket.socket, object]:
        conn, addr = super().get_request()
        # Headers and body go out in separate writes: without NODELAY, Nagle's algorithm holds the body
        # until the client's delayed ACK (40 ms on Linux), which caps a keep-alive client at 25 requests/s.
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.log_lock:
            self._open.add(conn)
        return conn, addr

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self.log_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections so close() leaves nothing behind."""
        with self.log_lock:
            conns = list(self._open)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def record(self, entry: ServedRequest) -> None:
        if not self.keep_log:
            return
        with self.log_lock:
            self.log.append(entry)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "minzu-sitemodel/1"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    server: _Server
    scheme = "http"  # "https" once a CONNECT tunnel carries TLS
    _tls: ssl.SSLSocket | None = None

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is the record; stderr noise would drown test output."""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        self._refuse_method()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def do_CONNECT(self) -> None:
        target = self.path
        if self.server.tls is None or self.scheme != "http" or target.lower() != f"{HOST}:443":
            served = f"http(s)://{HOST}" if self.server.tls else f"http://{HOST}"
            self._send_plain(502, f"sitemodel: CONNECT {target} refused; only {served} is modelled\n", target)
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        try:
            tls = self.server.tls.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        self.server.swap_connection(self.connection, tls)
        self._tls = tls
        self.rfile.close()  # the plain socket's files: the TLS socket owns the connection now
        self.wfile.close()
        self.connection = self.request = tls
        self.rfile = tls.makefile("rb")
        self.wfile = tls.makefile("wb", buffering=0)
        self.scheme = "https"
        self.close_connection = False

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self._tls is not None:
                self._tls.close()

    def _serve(self, head: bool) -> None:
        parsed = self._parse_target()
        if parsed is None:
            return
        url, path, query, proxied = parsed
        origin = HTTPS_ORIGIN if self.scheme == "https" else ORIGIN
        reply = self.server.router.route(path, query, origin)
        if reply.delay:
            time.sleep(reply.delay)
        self._send_reply(reply, url, proxied, head)

    def _parse_target(self) -> tuple[str, str, str, bool] | None:
        """(absolute URL, raw path, query, proxied) when the request is for the modelled host, else answer 502."""
        target = self.path
        proxied = "://" in target.split("?", 1)[0]
        secure = self.scheme == "https"
        origin, default_port = (HTTPS_ORIGIN, 443) if secure else (ORIGIN, 80)
        if proxied:
            parts = urlsplit(target)
            scheme, host, port = parts.scheme.lower(), (parts.hostname or ""), parts.port
            path, query = parts.path or "/", parts.query
            served = scheme == self.scheme and host == HOST and port in (None, default_port)
        else:
            path, _, query = target.partition("?")
            host_header = self.headers.get("Host", "")
            host, _, port_text = (
                host_header.partition(":") if not host_header.startswith("[") else (host_header, "", "")
            )
            served = host == HOST and port_text in ("", str(default_port))
            served = served or (not secure and self._is_own_address(host_header))
        if not served:
            self._send_plain(
                502, f"sitemodel: will not contact {host or '(no host)'}; only {origin} is modelled\n", target
            )
            return None
        url = _absolute_url(
            origin if host == HOST or proxied else f"http://{self.headers['Host']}", path, query
        )
        return url, path, query, proxied

    def _is_own_address(self, host_header: str) -> bool:
        own_host, own_port = self.server.server_address[:2]
        return host_header in (f"{own_host}:{own_port}", f"localhost:{own_port}")

    def _send_reply(self, reply: Reply, url: str, proxied: bool, head: bool) -> None:
        body = reply.body
        headers: list[tuple[str, str]] = [("Content-Type", reply.content_type), *reply.headers]
        if reply.compressible:
            headers.append(("Vary", "Accept-Encoding"))
            if accepts_gzip(self.headers.get("Accept-Encoding")):
                body = gzip.compress(body, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
        status = reply.status
        if status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            headers.append(("ETag", etag))
            if reply.modified is not None:
                headers.append(("Last-Modified", http_date(reply.modified)))
            if self._not_modified(etag, reply.modified):
                status, body = 304, b""
                headers = [h for h in headers if h[0] not in ("Content-Type", "Content-Encoding")]
        self._record(url, status, proxied)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status == 304:
            self.end_headers()
            return
        self._send_body(body, chunked=reply.chunked, head=head)

    def _not_modified(self, etag: str, modified: date | None) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, etag)
        if_modified_since = self.headers.get("If-Modified-Since")
        return bool(if_modified_since and modified and _not_modified_since(if_modified_since, modified))

    def _send_body(self, body: bytes, chunked: bool, head: bool) -> None:
        if chunked and self.request_version == "HTTP/1.1":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if not head:
                self.wfile.write(b"".join(_chunks(body)))
            return
        if chunked:  # an HTTP/1.0 client cannot take chunks: delimit by closing, still without a length
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _refuse_method(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parsed = self._parse_target()
        if parsed is None:
            return
        url, _, _, proxied = parsed
        self._record(url, 405, proxied)
        body = b"405 Method Not Allowed\n"
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_plain(self, status: int, text: str, target: str) -> None:
        body = text.encode("utf-8")
        url = _absolute_target(target, self.headers.get("Host", ""), self.scheme)
        self._record(url, status, "://" in target)
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _record(self, url: str, status: int, proxied: bool) -> None:
        headers = tuple((k, v) for k, v in self.headers.items())
        self.server.record(ServedRequest(self.command, url, headers, status, proxied))


def _chunks(body: bytes) -> Iterable[bytes]:
    for start in range(0, len(body), CHUNK_SIZE):
        piece = body[start : start + CHUNK_SIZE]
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


def _absolute_url(origin: str, raw_path: str, query: str) -> str:
    """Absolute, percent-encoded URL; raw UTF-8 bytes in the path (read as ISO-8859-1) become %XX."""
    text = raw_path.encode("iso-8859-1", errors="replace").decode("utf-8", errors="replace")
    return safe_url_string(origin + text + (f"?{query}" if query else ""))


def _absolute_target(target: str, host_header: str, scheme: str = "http") -> str:
    """Best-effort URL for the log of a refused request (a CONNECT target is logged as sent)."""
    return f"{scheme}://{host_header}{target}" if target.startswith("/") else target


class SiteModel:
    """A running site model: use as a context manager, or call ``close()``.

    ``origin`` is the site's http origin (kept for callers that crawl over http); ``https_origin`` is what
    the real site serves. ``ca_pem`` / ``ca_path`` give the CA that signed the
    model's certificate (None when started with ``https=False``).
    """

    def __init__(self, server: _Server, site: Site, tls: TlsIdentity | None = None) -> None:
        self._server = server
        self._tls = tls
        self._thread = threading.Thread(target=server.serve_forever, name="sitemodel", daemon=True)
        self.site = site
        self.host, self.port = server.server_address[:2]
        self.origin = ORIGIN
        self.http_origin = ORIGIN
        self.https_origin = HTTPS_ORIGIN
        self.proxy_url = f"http://{self.host}:{self.port}"
        self.ca_pem = tls.ca_pem if tls else None
        self.ca_path = tls.ca_path if tls else None
        self._thread.start()

    @property
    def requests(self) -> list[ServedRequest]:
        """A snapshot of every request answered so far, in arrival order."""
        with self._server.log_lock:
            return list(self._server.log)

    @property
    def tunnels(self) -> int:
        """How many CONNECT tunnels to the https site were opened."""
        with self._server.log_lock:
            return self._server.tunnels

    def clear_requests(self) -> None:
        with self._server.log_lock:
            self._server.log.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.drop_connections()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self._tls is not None:
            self._tls.close()

    def __enter__(self) -> SiteModel:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def start_site_model(
    host: str = "127.0.0.1",
    port: int = 0,
    version: int = 1,
    slow_seconds: float = 1.5,
    articles: int = 40,
    *,
    https: bool = True,
    sitemap: bool = False,
    refused_image: bool = True,
    http_links: bool = True,
    keep_log: bool = True,
    per_page: int = LISTING_SIZE,
) -> SiteModel:
    """Serve ``version`` of a site of ``articles`` articles on ``host:port`` (0 picks a free port).

    The switches are described in ``sitemodel.model.Options``; ``https=False`` refuses CONNECT (502).
    ``per_page`` is the listing size (see :func:`sitemodel.content.build_site`). ``keep_log=False`` leaves ``requests`` empty: the log holds about 1 KB per request (headers included),
    the one part of the model that grows with use, which a long-running server has no reader for.
    """
    site = build_site(
        version,
        articles,
        refused_image=refused_image,
        http_links=http_links,
        sitemap=sitemap,
        per_page=per_page,
    )
    tls = TlsIdentity(HOST) if https else None
    router = Router(site, slow_seconds=slow_seconds)
    server = _Server((host, port), router, tls.context if tls else None, keep_log=keep_log)
    return SiteModel(server, site, tls)
