"""How fast the site model serves and how much memory it holds as the site grows.

    python -m benchmarks.sitemodel [--sizes 250 10000] [--clients 4] [--repetitions 3] [--quick]

For each size a fresh model runs in a child process (``python -m sitemodel --articles N --slow 0``) and
this process plays a crawler: ``--clients`` threads, each on one keep-alive connection, fetch every article
page, every image and every listing page of the site once, first over http (absolute-form requests
through the proxy), then over https (a CONNECT tunnel per connection, the certificate verified against the
model's CA). The baseline, in the same run, is a static server on the same ``http.server`` stack answering
every request with the same 10 KB page: what the threading server costs before the model generates
anything. Every pass gets a fresh server; the three take turns in rotated order in each repetition. Memory is the model process's resident set after it started
(index built) and its peak after serving the whole site; CPU is the model process's own user+system time
while serving. Errors are answers >= 500: the model's flaky page answers 500 once, by design.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.common import REPO, machine_line, paired_ratios, row, table_header
from sitemodel.model import HOST as MODEL_HOST

HOST = MODEL_HOST
STATIC_BODY = b"<html><body>" + b"x" * 10_000 + b"</body></html>"
VARIANTS = ["static", "http", "https"]  # served in rotated order within each repetition


@dataclass(frozen=True)
class Served:
    label: str
    requests: int
    seconds: float
    body_bytes: int
    server_cpu: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def site_paths(size: int) -> list[str]:
    """What a complete crawl fetches: articles, their images, listing pages (interleaved as a crawl does)."""
    from sitemodel.content import build_site

    site = build_site(1, size)
    listings = iter(site.listing_paths())
    paths: list[str] = ["/"]
    for n, entry in enumerate(site.entries):
        paths += [entry.path, *entry.image_paths]
        if n % 20 == 0:
            paths += list(itertools.islice(listings, 1))
    return paths + list(listings)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory_mib(pid: int) -> dict[str, float]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def fetch_all(
    label: str, pid: int, proxy_port: int, paths: Sequence[str], clients: int, tls: ssl.SSLContext | None
) -> Served:
    """Fetch ``paths`` once over ``clients`` keep-alive connections; errors counted, not raised."""
    queue = iter(paths)
    lock = threading.Lock()
    totals = {"requests": 0, "bytes": 0, "errors": 0}

    def connect() -> http.client.HTTPConnection:
        if tls is None:
            return http.client.HTTPConnection("127.0.0.1", proxy_port, timeout=30)
        conn = http.client.HTTPSConnection("127.0.0.1", proxy_port, timeout=30, context=tls)
        conn.set_tunnel(HOST, 443)
        return conn

    def client() -> None:
        conn = connect()
        prefix = "" if tls else f"http://{HOST}"
        requests = size = errors = 0
        while True:
            with lock:
                path = next(queue, None)
            if path is None:
                break
            try:
                conn.request("GET", prefix + path, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                size += len(response.read())
                requests += 1
                errors += response.status >= 500
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = connect()
        conn.close()
        with lock:
            totals["requests"] += requests
            totals["bytes"] += size
            totals["errors"] += errors

    cpu_before = _cpu_seconds(pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds(pid) - cpu_before
    return Served(label, totals["requests"], seconds, totals["bytes"], cpu, totals["errors"])


def start_child(args: list[str]) -> tuple[subprocess.Popen[str], int, str | None, float]:
    """A server child; returns it, its port, its CA file (if any) and how long it took to answer."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args], cwd=REPO, stdout=subprocess.PIPE, text=True, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    proxy_url = process.stdout.readline().strip()
    second = process.stdout.readline().strip()
    ca = second.removeprefix("# CA certificate: ") if second.startswith("# CA certificate: ") else None
    return process, int(proxy_url.rsplit(":", 1)[1]), ca, time.perf_counter() - started


def stop_child(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=30)


class _Static(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as the model does

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(STATIC_BODY)))
        self.end_headers()
        self.wfile.write(STATIC_BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


def static_child() -> None:
    """The baseline server: the same stack as the model, one fixed page for every request."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Static)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}\n#", flush=True)
    server.serve_forever()


@dataclass(frozen=True)
class Round:
    """One variant served the whole site once: the client's view and the server process's accounts."""

    served: Served
    startup: float
    rss_start: float
    rss_peak: float


def serve_once(variant: str, size: int, clients: int, paths: Sequence[str]) -> Round:
    """A fresh server child for one pass over the site (a model never profits from a warm cache)."""
    if variant == "static":
        args = ["-m", "benchmarks.sitemodel", "--static-child"]
    else:
        args = ["-m", "sitemodel", "--articles", str(size), "--slow", "0"]
    process, port, ca, startup = start_child(args)
    try:
        start_memory = _memory_mib(process.pid)
        context = ssl.create_default_context(cafile=ca) if variant == "https" else None
        served = fetch_all(variant, process.pid, port, paths, clients, context)
        memory = _memory_mib(process.pid)
    finally:
        stop_child(process)
    return Round(served, startup, start_memory["VmRSS"], memory["VmHWM"])


def measure(size: int, clients: int, repetitions: int) -> list[str]:
    paths = site_paths(size)
    rounds: dict[str, list[Round]] = {name: [] for name in VARIANTS}
    for repetition in range(repetitions):
        shift = repetition % len(VARIANTS)
        for variant in VARIANTS[shift:] + VARIANTS[:shift]:
            rounds[variant].append(serve_once(variant, size, clients, paths))
    rate = {name: [r.served.rate for r in runs] for name, runs in rounds.items()}
    lines = [table_header(f"{size} articles: {len(paths)} requests per pass, {clients} clients")]
    for name, label in (
        ("static", "baseline: static 10 KB page"),
        ("http", "model, http"),
        ("https", "model, https"),
    ):
        lines.append(row(f"{label}: requests/s", rate[name], "req/s", 0))
    for name in ("http", "https"):
        ratios = paired_ratios(rate[name], rate["static"])
        lines.append(row(f"model {name} / baseline (paired)", ratios, "x", 2))
    for name in VARIANTS:
        cpu = [r.served.server_cpu / r.served.requests * 1000 for r in rounds[name]]
        lines.append(row(f"server CPU per request, {name}", cpu, "ms", 2))
    model_rounds = rounds["http"] + rounds["https"]
    lines.append(row("model start (index built, port open)", [r.startup for r in model_rounds], "s", 1))
    lines.append(row("model RSS after start", [r.rss_start for r in model_rounds], "MiB", 0))
    lines.append(row("model peak RSS after serving the site", [r.rss_peak for r in model_rounds], "MiB", 0))
    errors = sum(r.served.errors for runs in rounds.values() for r in runs)
    lines.append(f"answers >= 500 or failed requests: {errors} (the flaky page answers 500 once per model)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 10_000])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small sites, one repetition: a smoke run")
    parser.add_argument("--static-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.static_child:
        static_child()
        return 0
    sizes, repetitions = ([250, 1000], 1) if args.quick else (args.sizes, args.repetitions)
    print(f"Site model serving rate and memory ({machine_line()})")
    for size in sizes:
        for line in measure(size, args.clients, repetitions):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
