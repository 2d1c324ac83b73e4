"""Our WARC files read back by other tools: pywb's real `wb-manager` and `wayback`, and cdxj-indexer.

pywb replays in raw mode (``id_``): what it sends back must be exactly what the site model served when the
crawl fetched it. If pywb cannot index or resolve something, the records are wrong, not the test.
"""

from __future__ import annotations

import gzip
import io
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
from cdxj_indexer.main import CDXJIndexer

from archive.warc.reader import iter_records
from archive.warc.records import HttpResponseData, build_response_record, build_revisit_record
from archive.warc.writer import RotatingWarcWriter
from tests.conftest import ORIGIN, SEED_URL, CrawledCollection

# pywb lives in its own virtual environment (`make test` builds it): its pins (brotlipy, an older
# pyOpenSSL) would otherwise change the packages the archive itself runs on.
BIN = Path(os.environ.get("PYWB_BIN", Path(__file__).resolve().parents[1] / ".venv-pywb" / "bin"))
COLLECTION = "minzu"
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wb_manager(root: Path, *args: str) -> None:
    result = subprocess.run(
        [str(BIN / "wb-manager"), *args], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def running_wayback(root: Path, warc_files: list[Path]) -> Iterator[str]:
    """A pywb collection of ``warc_files`` under ``root``, served by `wayback` on a free loopback port;
    yields the collection's base URL and always stops the server."""
    root.mkdir(parents=True, exist_ok=True)
    _wb_manager(root, "init", COLLECTION)
    _wb_manager(root, "add", COLLECTION, *map(str, warc_files))
    port = _free_port()
    log = (root / "wayback.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "wayback"), "--port", str(port), "--bind", "127.0.0.1"],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/{COLLECTION}"
    try:
        _wait_until_answering(f"http://127.0.0.1:{port}/", server, root / "wayback.log")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_answering(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"wayback exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"wayback did not answer within {START_TIMEOUT}s:\n{log.read_text()}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def fetch(url: str, *, accept_encoding: str | None = None, opener=_DIRECT) -> tuple[int, dict, bytes]:
    """(status, headers, body as sent) without following redirects."""
    request = urllib.request.Request(url)
    request.add_header("Accept-Encoding", accept_encoding or "identity")
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def from_model(crawled: CrawledCollection, url: str, *, accept_encoding: str | None = None) -> bytes:
    """What the site model serves for ``url`` right now (it is the same site the crawl saw)."""
    proxy = urllib.request.ProxyHandler({"http": crawled.model.proxy_url})
    status, _, body = fetch(url, accept_encoding=accept_encoding, opener=urllib.request.build_opener(proxy))
    assert status == 200, (url, status)
    return body


def _timestamp(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


@pytest.fixture(scope="module")
def captures(crawled: CrawledCollection) -> dict[str, str]:
    """Timestamp (14 digits) of each URL's response record in the crawl."""
    found: dict[str, str] = {}
    for path in crawled.warc_files:
        for _, record in iter_records(path):
            if record.rec_type == "response":
                headers = record.rec_headers
                found[headers.get_header("WARC-Target-URI")] = _timestamp(headers.get_header("WARC-Date"))
    return found


@pytest.fixture(scope="module")
def wayback(crawled: CrawledCollection, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_wayback(tmp_path_factory.mktemp("pywb"), crawled.warc_files) as base:
        yield base


def test_seed_article_replays_as_served(crawled, captures, wayback) -> None:
    raw = f"{wayback}/{captures[SEED_URL]}id_/{SEED_URL}"
    status, headers, body = fetch(raw)
    assert status == 200
    assert headers["Memento-Datetime"]
    assert body == from_model(crawled, SEED_URL)
    assert "创建,永远在路上" in body.decode("utf-8")

    # A client that takes gzip gets the stored bytes untouched: the same gzip the model sent.
    status, headers, stored = fetch(raw, accept_encoding="gzip")
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert stored == from_model(crawled, SEED_URL, accept_encoding="gzip")
    assert gzip.decompress(stored) == body


def test_seed_images_replay_byte_for_byte(crawled, captures, wayback) -> None:
    article = crawled.model.site.article_by_path("/show-case-1616.html")
    assert article is not None and len(article.image_paths) == 2
    for src in article.image_paths:
        url = urljoin(ORIGIN, src)
        status, headers, body = fetch(f"{wayback}/{captures[url]}id_/{url}")
        assert status == 200
        assert headers["Content-Type"] == "image/jpeg"
        assert body == from_model(crawled, url)
        assert body.startswith(b"\xff\xd8")


def test_chunked_listing_page_replays(crawled, captures, wayback) -> None:
    """Stored de-chunked with X-Orig-Transfer-Encoding: pywb must not try to de-chunk it again."""
    url = ORIGIN + crawled.model.site.channels[0].listing_path(1)
    status, _, body = fetch(f"{wayback}/{captures[url]}id_/{url}")
    assert status == 200
    assert body == from_model(crawled, url)


def test_redirect_replays_with_its_location(crawled, captures, wayback) -> None:
    trouble = crawled.model.site.trouble
    old = next(url for url in captures if trouble.old_url.split("?")[1].split("&")[0] in url)
    status, headers, _ = fetch(f"{wayback}/{captures[old]}id_/{old}")
    assert status == 301
    assert headers["Location"] == ORIGIN + trouble.old_url_target


# Named explicitly: py-wacz appends "warcinfo" to cdxj-indexer's class-level default list when imported.
INDEXED_TYPES = ("response", "revisit", "resource", "metadata")


def _expected_index_entries(paths: list[Path]) -> set[tuple[str, str, str, str]]:
    """(url, filename, offset, length) of each record cdxj-indexer indexes by default, read by our reader."""
    entries = set()
    for path in paths:
        for location, record in iter_records(path):
            headers = record.rec_headers
            if record.rec_type not in INDEXED_TYPES:
                continue
            if headers.get_header("Content-Type") == "application/warc-fields":
                continue
            url = headers.get_header("WARC-Target-URI")
            entries.add((url, location.filename, str(location.offset), str(location.length)))
    return entries


def test_cdxj_indexer_indexes_every_record_where_we_wrote_it(crawled: CrawledCollection) -> None:
    import json

    out = io.StringIO()
    files = [str(path) for path in crawled.warc_files]
    CDXJIndexer(out, files, sort=True, records=",".join(INDEXED_TYPES)).process_all()
    lines = out.getvalue().splitlines()
    indexed = set()
    for line in lines:
        _, _, block = line.split(" ", 2)
        entry = json.loads(block)
        indexed.add((entry["url"], entry["filename"], entry["offset"], entry["length"]))
    expected = _expected_index_entries(crawled.warc_files)
    assert len(lines) == len(expected) > 50
    assert indexed == expected
    assert any(SEED_URL == url for url, *_ in indexed)


def test_pywb_resolves_identical_payload_revisit_to_original(tmp_path: Path) -> None:
    """A response then an identical-payload-digest revisit of it a day later: replaying the revisit's
    timestamp must give the original body (pywb follows WARC-Refers-To* / the digest)."""
    url = ORIGIN + "/uploadfile/revisited.jpg"
    body = b"\xff\xd8original image bytes\xff\xd9"
    headers = [("Content-Type", "image/jpeg"), ("ETag", '"v1"')]
    original = HttpResponseData(url, 200, None, headers, body)
    first_date, later_date = "2026-01-01T00:00:00.000000Z", "2026-01-02T00:00:00.000000Z"
    response = build_response_record(original, warc_date=first_date)
    digest = response.rec_headers.get_header("WARC-Payload-Digest")
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    revisit = build_revisit_record(
        HttpResponseData(url, 200, None, [*headers, ("X-Visit", "second")], body),
        profile="identical-payload-digest",
        refers_to=response_id,
        refers_to_target_uri=url,
        refers_to_date=first_date,
        payload_digest=digest,
        warc_date=later_date,
    )
    with RotatingWarcWriter(tmp_path / "warc", warcinfo_fields={"operator": "tests"}, hostname="t") as w:
        w.write_many([response, revisit])
    with running_wayback(tmp_path / "pywb", w.files_written) as base:
        status, replay_headers, replayed = fetch(f"{base}/20260102000000id_/{url}")
        assert status == 200
        assert replayed == body
        assert replay_headers["Memento-Datetime"] == "Fri, 02 Jan 2026 00:00:00 GMT"
        assert replay_headers["X-Visit"] == "second"  # the revisit's own headers, the original's body
