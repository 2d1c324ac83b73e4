"""Faults and bad input: one crawl of a server that misbehaves in every way at once, then the evidence.

The crawl runs as a user runs it (``python -m archive crawl`` in a subprocess). Afterwards the WARC files
(read with warcio), the database (sqlite3), the run's final stats (the metadata record that closes the
run) and the server's own request log must agree: the good pages are archived, every failure is counted
under ``failures/...`` and logged with its reason, retries waited, and the crawl finished normally.
"""

from __future__ import annotations

import gzip
import itertools
import json
import sqlite3
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator

from crawler.failures import classify_exception, classify_status, failure_summary
from crawler.http_capture import truncation_reason
from crawler.retry_after import backoff_delay, parse_retry_after
from tests.conftest import cli
from tests.faulty_server import Exchange, FaultyServer, html_page

pytestmark = pytest.mark.e2e

# What crawler/settings.py registers once the lead adds the add-on; passing it keeps these tests honest
# either way (the same two add-ons, the same priorities).
ADDONS = json.dumps({"crawler.addon.ArchiveAddon": 0, "crawler.resilience.ResilienceAddon": 10})
CAP = 256 * 1024
HUGE = 20 * 1024 * 1024
BACKOFF = 0.3
GBK_TEXT = "民族团结进步示范创建：谎报字符集的页面".encode("gbk")
GOOD = ["/good/1.html", "/good/2.html", "/good/3.html", "/good/4.html"]


def crawl_args(
    collection: Path, start_url: str, *settings: str, extra_domains: tuple[str, ...] = ()
) -> list[str]:
    """The command line the brief prescribes, plus test-specific settings."""
    base = [
        f"ADDONS={ADDONS}",
        "ADDRESS_GUARD_ALLOWED=127.0.0.1",
        "DOWNLOAD_DELAY=0",
        "AUTOTHROTTLE_ENABLED=False",
        "DOWNLOAD_TIMEOUT=2",
        "LOG_LEVEL=INFO",
        *settings,
    ]
    # The spider's LinkExtractor compares allowed domains with host:port, the offsite filter with the host
    # alone: a server on a non-default port needs both forms.
    netloc = urlsplit(start_url).netloc
    args = ["crawl", "--collection", str(collection), "--start-url", start_url]
    for domain in ("127.0.0.1", netloc, *extra_domains):
        args += ["--allowed-domain", domain]
    return args + [part for setting in base for part in ("-s", setting)]


# --- the misbehaving routes ------------------------------------------------------------------------


def index(ex: Exchange) -> None:
    links = [
        "/good/1.html",
        "/good/2.html",
        "/slow.html",
        "/reset.html",
        "/error500.html",
        "/flaky.html",
        "/retry-after.html",
        "/retry-after-long.html",
        "/truncated.html",
        "/short-length.html",
        "/bad-gzip.html",
        "/huge.html",
        "/loop/a",
        "/chain/0",
        "/trap/",
        "/binary.html",
        "/broken.html",
        "/lying-charset.html",
    ]
    ex.reply(200, html_page("Index", links))


def good(ex: Exchange) -> None:
    ex.reply(200, html_page(f"Good page {ex.path}", text="这是一篇正常的文章。" * 20))


def slow(ex: Exchange) -> None:
    ex.wait(30)  # never answers; the client times out and hangs up
    ex.close()


def reset(ex: Exchange) -> None:
    ex.reset()


def error500(ex: Exchange) -> None:
    ex.reply(500, html_page("Internal error"))


def flaky(ex: Exchange) -> None:
    if ex.attempt == 1:
        ex.reply(503, html_page("Busy"))
    else:
        ex.reply(200, html_page("Flaky page, second time lucky"))


def retry_after(ex: Exchange) -> None:
    if ex.attempt == 1:
        ex.reply(429, html_page("Slow down"), headers=[("Retry-After", "1")])
    else:
        ex.reply(200, html_page("Thank you for waiting"))


def retry_after_long(ex: Exchange) -> None:
    ex.reply(503, html_page("Come back in an hour"), headers=[("Retry-After", "3600")])


def truncated(ex: Exchange) -> None:
    ex.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "5000")])
    ex.send(b"<html><body>" + b"x" * 988)  # 1000 of the 5000 bytes promised
    ex.close()


def short_length(ex: Exchange) -> None:
    """Content-Length smaller than the body: the rest is junk on a kept-alive connection."""
    body = html_page("Short", ["/good/2.html"])
    ex.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "60")])
    ex.send(body + b"HTTP/1.1 200 OK\r\nX-Smuggled: yes\r\n\r\n")


def bad_gzip(ex: Exchange) -> None:
    ex.reply(
        200, b"\x1f\x8b\x08\x00garbage that is not deflate at all" * 3, headers=[("Content-Encoding", "gzip")]
    )


def huge(ex: Exchange) -> None:
    ex.head(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(HUGE))])
    chunk = b"<p>" + b"z" * 65529 + b"</p>\n"
    while ex.sent < HUGE and ex.send(chunk[: HUGE - ex.sent]):
        pass
    ex.close()


def loop_a(ex: Exchange) -> None:
    ex.reply(302, b"", headers=[("Location", "/loop/b")])


def loop_b(ex: Exchange) -> None:
    ex.reply(302, b"", headers=[("Location", "/loop/a")])


def chain(ex: Exchange) -> None:
    step = int(ex.path.rsplit("/", 1)[1])
    ex.reply(302, b"", headers=[("Location", f"/chain/{step + 1}")])


def trap(ex: Exchange) -> None:
    ex.reply(200, html_page("Trap", ["sub/"]))  # relative: /trap/sub/, /trap/sub/sub/, ...


def binary(ex: Exchange) -> None:
    junk = bytes((i * 7919 + 13) % 256 for i in range(4096))
    ex.reply(200, b"\x00\x00<html>" + junk + b"\xff\xfe\x00")


def broken(ex: Exchange) -> None:
    body = b"<html><head><title>Broken</title><body><div><p>unclosed <b><i> <a href='/good/3.html'>three<table><tr><td"
    ex.reply(200, body + b"<<<>>>&&&;</html></html><script>")


def lying_charset(ex: Exchange) -> None:
    body = b"<html><head><meta charset='iso-8859-1'><title>" + GBK_TEXT + b"</title></head><body><p>"
    body += GBK_TEXT + b"</p><a href='/good/4.html'>" + GBK_TEXT + b"</a></body></html>"
    ex.reply(200, body, content_type="text/html; charset=utf-8")


def robots(ex: Exchange) -> None:
    ex.reply(200, b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")


ROUTES = {
    "/": index,
    "/robots.txt": robots,
    **dict.fromkeys(GOOD, good),
    "/slow.html": slow,
    "/reset.html": reset,
    "/error500.html": error500,
    "/flaky.html": flaky,
    "/retry-after.html": retry_after,
    "/retry-after-long.html": retry_after_long,
    "/truncated.html": truncated,
    "/short-length.html": short_length,
    "/bad-gzip.html": bad_gzip,
    "/huge.html": huge,
    "/loop/a": loop_a,
    "/loop/b": loop_b,
    "/chain/*": chain,
    "/trap/*": trap,
    "/binary.html": binary,
    "/broken.html": broken,
    "/lying-charset.html": lying_charset,
}


# --- one crawl, read back ---------------------------------------------------------------------------


@dataclass
class Record:
    type: str
    uri: str | None
    headers: dict[str, str]
    status: int | None
    http: list[tuple[str, str]]
    payload: bytes


@dataclass
class FaultCrawl:
    server: FaultyServer
    collection: Path
    output: subprocess.CompletedProcess[str]
    records: list[Record]
    stats: dict

    def responses(self, path: str) -> list[Record]:
        url = self.server.url(path)
        return [r for r in self.records if r.type == "response" and r.uri == url]

    @property
    def warc_files(self) -> list[Path]:
        return sorted((self.collection / "archive").glob("*.warc.gz"))


def read_records(paths: list[Path]) -> list[Record]:
    records = []
    for path in paths:
        with path.open("rb") as stream:
            for rec in ArchiveIterator(stream):
                http = rec.http_headers if rec.rec_type in ("request", "response") else None
                records.append(
                    Record(
                        type=rec.rec_type,
                        uri=rec.rec_headers.get_header("WARC-Target-URI"),
                        headers=dict(rec.rec_headers.headers),
                        status=int(http.get_statuscode()) if http and rec.rec_type == "response" else None,
                        http=list(http.headers) if http else [],
                        payload=rec.raw_stream.read(),
                    )
                )
    return records


def run_stats(records: list[Record]) -> dict:
    """The final stats, from the metadata record the recorder writes when the spider closes."""
    closing = [r for r in records if r.type == "metadata" and b'"finish_reason"' in r.payload]
    assert closing, "no run-stats metadata record"
    body = json.loads(closing[-1].payload)
    return {"finish_reason": body["finish_reason"], **body["stats"]}


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> FaultCrawl:
    collection = tmp_path_factory.mktemp("faults")
    with FaultyServer(ROUTES) as server:
        output = cli(
            *crawl_args(
                collection,
                server.url("/"),
                "RETRY_TIMES=2",
                f"ARCHIVE_RETRY_BACKOFF={BACKOFF}",
                "ARCHIVE_RETRY_AFTER_MAX=5",
                f"ARCHIVE_MAX_BODY_SIZE={CAP}",
                "REDIRECT_MAX_TIMES=4",
                "CONCURRENT_REQUESTS_PER_DOMAIN=8",
            ),
            timeout=120,
        )
    records = read_records(sorted((collection / "archive").glob("*.warc.gz")))
    return FaultCrawl(server, collection, output, records, run_stats(records))


def test_crawl_finishes_and_good_pages_are_archived(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.stats["finish_reason"] == "finished"
    for path in ["/", *GOOD, "/flaky.html", "/retry-after.html"]:
        statuses = [r.status for r in fault_crawl.responses(path)]
        assert 200 in statuses, (path, statuses, fault_crawl.output.stderr[-3000:])
    with sqlite3.connect(fault_crawl.collection / "archive.db") as db:
        rows = db.execute(
            "SELECT url FROM captures WHERE status = 200 AND record_type = 'response'"
        ).fetchall()
    archived = {url for (url,) in rows}
    assert {fault_crawl.server.url(p) for p in GOOD} <= archived


def test_every_failure_is_counted_by_kind(fault_crawl: FaultCrawl) -> None:
    summary = failure_summary(fault_crawl.stats)
    assert summary["timeout"] == 1  # /slow.html, given up after its retries
    assert summary["connection_reset"] == 1  # /reset.html
    assert summary["http_5xx"] == 2  # /error500.html and /retry-after-long.html
    assert summary["truncated"] == 1  # /truncated.html, still short after its retries
    assert summary["corrupt_encoding"] == 1  # /bad-gzip.html
    assert summary["over_size_cap"] == 1  # /huge.html
    assert summary["redirect_loop"] == 1  # /loop/a -> /loop/b -> /loop/a
    assert summary["too_many_redirects"] == 1  # /chain/0 -> ... -> /chain/4 -> /chain/5
    assert summary["trap"] == 1  # /trap/sub/sub/sub/sub/
    assert "http_429" not in summary  # /retry-after.html succeeded on its retry


def test_failures_are_logged_with_their_reason(fault_crawl: FaultCrawl) -> None:
    log = fault_crawl.output.stderr
    url = fault_crawl.server.url
    assert f"Failure (timeout) for {url('/slow.html')}: DownloadTimeoutError" in log
    assert f"Failure (redirect_loop) for {url('/loop/a')}: redirect loop: {url('/loop/a')} -> " in log
    assert (
        f"Failure (corrupt_encoding) for {url('/bad-gzip.html')}: Content-Encoding gzip does not decode"
        in log
    )
    assert (
        f"Failure (over_size_cap) for {url('/huge.html')}: body reached ARCHIVE_MAX_BODY_SIZE ({CAP} bytes)"
        in log
    )
    assert "Retry-After 3600s exceeds ARCHIVE_RETRY_AFTER_MAX" in log


def test_5xx_is_retried_with_growing_back_off(fault_crawl: FaultCrawl) -> None:
    hits = fault_crawl.server.hits_for("/error500.html")
    assert len(hits) == 3  # first try + RETRY_TIMES=2
    gaps = [b.at - a.at for a, b in itertools.pairwise(hits)]
    assert gaps[0] >= BACKOFF * 0.9 and gaps[1] >= 2 * BACKOFF * 0.9, gaps
    assert len(fault_crawl.responses("/error500.html")) == 3  # every attempt archived
    # Twisted's connection pool silently retries a request once when a reused connection dies before any
    # response, so a reset costs the server one or two hits per attempt.
    assert 3 <= len(fault_crawl.server.hits_for("/reset.html")) <= 6
    assert len(fault_crawl.server.hits_for("/slow.html")) == 3


def test_retry_after_is_honoured_within_its_bound(fault_crawl: FaultCrawl) -> None:
    first, second = fault_crawl.server.hits_for("/retry-after.html")
    assert second.at - first.at >= 0.95  # Retry-After: 1
    # Retry-After: 3600 is beyond ARCHIVE_RETRY_AFTER_MAX=5: asked once, not hammered, not waited for.
    assert len(fault_crawl.server.hits_for("/retry-after-long.html")) == 1
    assert fault_crawl.stats["retry/retry_after_honoured"] == 1
    assert fault_crawl.stats["retry/retry_after_too_long"] == 1


def test_over_size_body_is_cut_at_the_cap_and_marked_truncated(fault_crawl: FaultCrawl) -> None:
    (record,) = fault_crawl.responses("/huge.html")
    assert record.headers["WARC-Truncated"] == "length"
    assert CAP <= len(record.payload) <= CAP + 65536  # stopped at the first read past the cap
    assert ("X-Orig-Content-Length", str(HUGE)) in record.http  # what the server declared is kept
    assert len(fault_crawl.server.hits_for("/huge.html")) == 1  # a cut body is not retried


def test_body_cut_by_the_server_is_archived_as_disconnect(fault_crawl: FaultCrawl) -> None:
    records = fault_crawl.responses("/truncated.html")
    assert len(records) == 3  # retried, and each partial attempt kept
    for record in records:
        assert record.headers["WARC-Truncated"] == "disconnect"
        assert len(record.payload) == 1000


def test_wrong_content_length_and_corrupt_gzip_are_archived_as_sent(fault_crawl: FaultCrawl) -> None:
    (short,) = fault_crawl.responses("/short-length.html")
    assert len(short.payload) == 60 and "WARC-Truncated" not in short.headers
    (bad,) = fault_crawl.responses("/bad-gzip.html")
    assert bad.payload.startswith(b"\x1f\x8b\x08\x00garbage")
    assert ("Content-Encoding", "gzip") in bad.http
    after = [h.path for h in fault_crawl.server.hits if h.path.startswith("/good/")]
    assert len(after) == len(set(after)) == 4  # the junk after the short body broke nothing


def test_redirect_loop_and_trap_stop_early(fault_crawl: FaultCrawl) -> None:
    paths = fault_crawl.server.paths()
    assert paths.count("/loop/a") == 1 and paths.count("/loop/b") == 1
    assert [p for p in paths if p.startswith("/chain/")] == [f"/chain/{i}" for i in range(5)]
    trap_paths = [p for p in paths if p.startswith("/trap/")]
    assert trap_paths == ["/trap/", "/trap/sub/", "/trap/sub/sub/", "/trap/sub/sub/sub/"]


def test_broken_binary_and_lying_pages_are_archived_byte_for_byte(fault_crawl: FaultCrawl) -> None:
    (binary_record,) = fault_crawl.responses("/binary.html")
    assert binary_record.payload.startswith(b"\x00\x00<html>") and len(binary_record.payload) == 4096 + 11
    (lying,) = fault_crawl.responses("/lying-charset.html")
    assert GBK_TEXT in lying.payload  # stored as sent, not re-encoded
    assert fault_crawl.server.hits_for("/good/4.html"), "link on the page with the lying charset not followed"
    assert fault_crawl.server.hits_for("/good/3.html"), "link in the broken markup not followed"


def test_warc_files_pass_warcio_check(fault_crawl: FaultCrawl) -> None:
    warcio = Path(sys.executable).with_name("warcio")
    assert fault_crawl.warc_files
    for path in fault_crawl.warc_files:
        result = subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


# --- the pieces, one by one -------------------------------------------------------------------------


def test_parse_retry_after_forms() -> None:
    from datetime import UTC, datetime

    now = datetime(2024, 5, 18, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(b" 7 ") == 7.0
    assert parse_retry_after("Sat, 18 May 2024 08:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sat, 18 May 2024 07:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_doubles_up_to_its_ceiling() -> None:
    assert [backoff_delay(n, 1.0, 5.0) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert backoff_delay(3, 0, 5.0) == 0.0


def test_classifiers() -> None:
    from scrapy.exceptions import DownloadFailedError, DownloadTimeoutError
    from twisted.internet.error import ConnectionLost
    from twisted.python.failure import Failure
    from twisted.web._newclient import ResponseNeverReceived

    assert classify_exception(DownloadTimeoutError("took too long")) == "timeout"
    wrapped = DownloadFailedError("boom")
    wrapped.__cause__ = ResponseNeverReceived([Failure(ConnectionLost("reset"))])
    assert classify_exception(wrapped) == "connection_reset"
    assert classify_exception(ValueError("odd")) == "other"
    assert [classify_status(s) for s in (200, 301, 404, 403, 429, 500, 503)] == [
        None,
        None,
        None,
        "http_4xx",
        "http_429",
        "http_5xx",
        "http_5xx",
    ]
    assert failure_summary({"failures/timeout": 2, "retry/count": 5, "failures/trap": 1}) == {
        "timeout": 2,
        "trap": 1,
    }


def test_truncation_reason_flags() -> None:
    def response(*flags: str) -> HtmlResponse:
        return HtmlResponse("http://h/", body=b"<html>", flags=list(flags), request=Request("http://h/"))

    assert truncation_reason(response("download_stopped")) == "length"
    assert truncation_reason(response("dataloss")) == "disconnect"
    assert truncation_reason(response("partial")) is None  # a close-delimited body is complete
    assert truncation_reason(response()) is None


def test_faulty_server_refuses_non_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FaultyServer({}, hosts=("0.0.0.0",)).start()


def test_gzip_fixture_is_really_corrupt() -> None:
    with pytest.raises((OSError, EOFError, zlib.error)):
        gzip.decompress(b"\x1f\x8b\x08\x00garbage that is not deflate at all")


# --- safety: internal addresses, robots.txt, per-host concurrency ----------------------------------

SLOW_PAGES = [f"/slow/{n}.html" for n in range(8)]


def safety_index(ex: Exchange) -> None:
    port = ex.conn.getsockname()[1]
    links = [
        "/private/secret.html",
        f"http://localhost:{port}/via-name.html",
        "http://10.0.0.1/",
        "http://192.168.1.1/admin/",
        *SLOW_PAGES,
    ]
    ex.reply(200, html_page("Safety index", links))


def slow_page(ex: Exchange) -> None:
    ex.wait(0.3)
    ex.reply(200, html_page(f"Slow {ex.path}"))


SAFETY_ROUTES = {
    "/": safety_index,
    "/robots.txt": robots,
    "/private/*": good,
    "/via-name.html": good,
    "/slow/*": slow_page,
}


@dataclass
class SafetyCrawl:
    server: FaultyServer
    output: subprocess.CompletedProcess[str]
    stats: dict


def _safety_crawl(tmp: Path, allowed: str, *settings: str) -> SafetyCrawl:
    # 127.0.0.2 is the allowed origin; "localhost" resolves to 127.0.0.1, the same server on another address.
    with FaultyServer(SAFETY_ROUTES, hosts=("127.0.0.2", "127.0.0.1")) as server:
        args = crawl_args(
            tmp,
            server.url("/"),
            f"ADDRESS_GUARD_ALLOWED={allowed}",
            *settings,
            extra_domains=("127.0.0.2", "localhost", f"localhost:{server.port}", "10.0.0.1", "192.168.1.1"),
        )
        output = cli(*args, timeout=120)
    collection_warcs = sorted((tmp / "archive").glob("*.warc.gz"))
    return SafetyCrawl(server, output, run_stats(read_records(collection_warcs)))


@pytest.fixture(scope="module")
def guarded_crawl(tmp_path_factory: pytest.TempPathFactory) -> SafetyCrawl:
    """Project defaults for politeness (2 requests at a time per host); only 127.0.0.2 allowed."""
    return _safety_crawl(tmp_path_factory.mktemp("guarded"), "127.0.0.2")


def test_internal_addresses_are_refused_unless_allowed(guarded_crawl: SafetyCrawl) -> None:
    server = guarded_crawl.server
    assert not [h for h in server.hits if h.listener == "127.0.0.1"], "reached 127.0.0.1 through 'localhost'"
    assert not server.hits_for("/via-name.html")
    log = guarded_crawl.output.stderr
    for url in (
        f"http://localhost:{server.port}/via-name.html",
        "http://10.0.0.1/",
        "http://192.168.1.1/admin/",
    ):
        assert f"Refused {url}: " in log, url
    assert guarded_crawl.stats["address_guard/refused"] >= 3
    assert len(server.hits_for("/")) == 1  # the allowed origin itself was crawled


def test_robots_txt_is_obeyed(guarded_crawl: SafetyCrawl) -> None:
    paths = guarded_crawl.server.paths()
    assert paths[0] == "/robots.txt"
    assert not [p for p in paths if p.startswith("/private/")]
    assert guarded_crawl.stats["robotstxt/forbidden"] == 1


def test_per_host_concurrency_cap_holds(guarded_crawl: SafetyCrawl) -> None:
    server = guarded_crawl.server
    assert len([p for p in server.paths() if p.startswith("/slow/")]) == len(SLOW_PAGES)
    assert server.max_in_flight == 2  # CONCURRENT_REQUESTS_PER_DOMAIN = 2 in crawler/settings.py


def test_allowed_host_name_is_fetched_and_a_higher_cap_is_measured(tmp_path: Path) -> None:
    """The counter-test: allow 127.0.0.1 and raise the cap, and the server sees both."""
    crawl = _safety_crawl(tmp_path, "127.0.0.2,127.0.0.1", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
    (hit,) = crawl.server.hits_for("/via-name.html")
    assert hit.listener == "127.0.0.1" and hit.headers["host"] == f"localhost:{crawl.server.port}"
    assert crawl.server.max_in_flight > 2
    assert "Refused http://10.0.0.1/: " in crawl.output.stderr  # still refused: never allowed here


# --- components built the way Scrapy builds them -----------------------------------------------------


def _crawler(**settings):
    from scrapy.utils.test import get_crawler

    from crawler.spiders.minzu import MinzuSpider

    return get_crawler(MinzuSpider, settings_dict=settings)


def test_failure_counter_counts_final_statuses_and_spider_errors() -> None:
    from scrapy import signals
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.failures import FailureCounter

    crawler = _crawler()
    crawler.stats.open_spider()
    counter = FailureCounter.from_crawler(crawler)
    counter.process_response(Request("http://h/a"), Response("http://h/a", status=503))
    counter.process_response(Request("http://h/b"), Response("http://h/b", status=404))
    robots = Request("http://h/robots.txt", meta={"dont_obey_robotstxt": True})
    counter.process_response(robots, Response("http://h/robots.txt", status=500))
    counter.process_response(Request("http://h/c"), Response("http://h/c", flags=["dataloss"]))
    crawler.signals.send_catch_log(
        signals.spider_error,
        failure=Failure(ValueError("bad page")),
        response=Response("http://h/d"),
        spider=None,
    )
    stats = crawler.stats.get_stats()
    assert failure_summary(stats) == {"http_5xx": 1, "spider_error": 1, "truncated": 1}


def test_body_size_cap_stops_the_download_at_the_cap() -> None:
    from scrapy.exceptions import NotConfigured, StopDownload

    from crawler.limits import BodySizeCap

    crawler = _crawler(ARCHIVE_MAX_BODY_SIZE=100)
    crawler.stats.open_spider()
    cap = BodySizeCap.from_crawler(crawler)
    request = Request("http://h/big")
    cap.bytes_received(b"x" * 60, request, None)
    with pytest.raises(StopDownload) as stopped:
        cap.bytes_received(b"x" * 60, request, None)
    assert stopped.value.fail is False  # the partial response is delivered, and so recorded
    assert crawler.stats.get_value("failures/over_size_cap") == 1
    cap.bytes_received(b"x" * 60, Request("http://h/other"), None)  # counted per request
    with pytest.raises(NotConfigured):
        BodySizeCap.from_crawler(_crawler(ARCHIVE_MAX_BODY_SIZE=0))


def test_proxy_setting_reaches_every_request() -> None:
    from scrapy.exceptions import NotConfigured

    from crawler.proxy import ArchiveProxyMiddleware

    middleware = ArchiveProxyMiddleware.from_crawler(_crawler(ARCHIVE_HTTP_PROXY="http://127.0.0.1:3128"))
    robots = Request("http://www.56-china.com.cn/robots.txt", meta={"dont_obey_robotstxt": True})
    own = Request("http://www.56-china.com.cn/", meta={"proxy": "http://other:1"})
    for request in (robots, own):
        middleware.process_request(request)
    assert robots.meta["proxy"] == "http://127.0.0.1:3128"
    assert own.meta["proxy"] == "http://other:1"
    with pytest.raises(NotConfigured):
        ArchiveProxyMiddleware.from_crawler(_crawler())
