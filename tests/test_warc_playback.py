"""CDXJ index and playback: latest capture wins, revisits join their original, misses are None/404."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from archive.warc.index import CdxjIndex, build_cdxj_index
from archive.warc.playback import ArchivePlayback, recorded_seeds
from archive.warc.records import HttpResponseData, build_response_record, build_revisit_record
from archive.warc.writer import RotatingWarcWriter
from crawler.replay import MISS_FLAG, REPLAYED_FLAG, ReplayDownloadHandler

SITE = "http://www.56-china.com.cn"
PAGE = SITE + "/index.php?m=content&a=show&id=7"
IMAGE = SITE + "/uploadfile/a.jpg"
LOGO = SITE + "/logo.png"
HTML = "<p>民族团结</p>".encode()


def _response(url: str, status: int, body: bytes, date: str, headers=(), record_id=None):
    return build_response_record(
        HttpResponseData(url, status, None, list(headers), body, ip_address="203.0.113.9"),
        warc_date=date,
        record_id=record_id,
    )


@pytest.fixture
def index(tmp_path: Path) -> CdxjIndex:
    """A page captured twice (500, then gzip 200), an image then an identical-payload revisit of it, a logo
    then a 304 server-not-modified revisit."""
    page_gzip = gzip.compress(HTML, mtime=0)
    image = _response(IMAGE, 200, b"\xff\xd8v1", "2026-01-01T00:00:01Z", [("ETag", '"v1"')], "<urn:uuid:1>")
    logo = _response(
        LOGO, 200, b"PNG", "2026-01-01T00:00:02Z", [("Content-Type", "image/png")], "<urn:uuid:2>"
    )

    def revisit(url, status, body, profile, refers_to, refers_date, digest, date, headers):
        data = HttpResponseData(url, status, None, headers, body)
        return build_revisit_record(
            data,
            profile=profile,
            refers_to=refers_to,
            refers_to_target_uri=url,
            refers_to_date=refers_date,
            payload_digest=digest,
            warc_date=date,
        )

    records = [
        _response(PAGE, 500, b"oops", "2026-01-01T00:00:00Z"),
        _response(
            PAGE,
            200,
            page_gzip,
            "2026-01-01T00:00:03Z",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ],
        ),
        image,
        revisit(
            IMAGE,
            200,
            b"\xff\xd8v1",
            "identical-payload-digest",
            "<urn:uuid:1>",
            "2026-01-01T00:00:01Z",
            image.rec_headers.get_header("WARC-Payload-Digest"),
            "2026-01-02T00:00:00Z",
            [("ETag", '"v1"'), ("X-Second", "yes")],
        ),
        logo,
        revisit(
            LOGO,
            304,
            b"",
            "server-not-modified",
            "<urn:uuid:2>",
            "2026-01-01T00:00:02Z",
            None,
            "2026-01-03T00:00:00Z",
            [],
        ),
    ]
    fields = {"seeds": '["http://www.56-china.com.cn/"]'}
    with RotatingWarcWriter(tmp_path / "warc", warcinfo_fields=fields, hostname="h") as writer:
        writer.write_many(records)
    return CdxjIndex(build_cdxj_index(writer.files_written, tmp_path / "elsewhere" / "index.cdxj"))


def test_latest_capture_wins_and_query_order_does_not_matter(index: CdxjIndex) -> None:
    assert [c.status for c in index.captures(PAGE)] == [500, 200]
    stored = ArchivePlayback(index).response_for(SITE + "/index.php?a=show&id=7&m=content")
    assert stored is not None and stored.status == 200
    assert gzip.decompress(stored.body) == HTML  # still content-encoded
    assert [v for k, v in stored.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert stored.ip_address == "203.0.113.9"


def test_identical_payload_revisit_gives_its_headers_and_the_original_body(index: CdxjIndex) -> None:
    stored = ArchivePlayback(index).response_for(IMAGE)
    assert stored is not None
    assert stored.body == b"\xff\xd8v1"
    assert ("X-Second", "yes") in stored.headers
    assert stored.warc_date == "2026-01-02T00:00:00Z"


def test_not_modified_revisit_gives_the_original_response(index: CdxjIndex) -> None:
    stored = ArchivePlayback(index).response_for(LOGO)
    assert stored is not None and stored.status == 200 and stored.body == b"PNG"


def test_unknown_url_is_none(index: CdxjIndex) -> None:
    assert ArchivePlayback(index).response_for(SITE + "/nowhere.html") is None


def test_seeds_come_from_warcinfo(index: CdxjIndex) -> None:
    files = {index.path_of(c) for url in (PAGE, IMAGE) for c in index.captures(url)}
    assert recorded_seeds(sorted(files)) == ["http://www.56-china.com.cn/"]


def test_download_handler_answers_like_the_network(index: CdxjIndex) -> None:
    handler = ReplayDownloadHandler(get_crawler(settings_dict={"REPLAY_INDEX": str(index.path)}))
    request = Request(PAGE)
    response = asyncio.run(handler.download_request(request))
    assert response.status == 200 and REPLAYED_FLAG in response.flags
    assert response.headers[b"Content-Encoding"] == b"gzip"
    assert response.headers.getlist(b"Set-Cookie") == [b"a=1", b"b=2"]
    assert gzip.decompress(response.body) == HTML
    assert str(response.ip_address) == "203.0.113.9"
    assert request.meta["replay_capture"]["warc_date"] == "2026-01-01T00:00:03Z"

    missing = asyncio.run(handler.download_request(Request(SITE + "/robots.txt")))
    assert missing.status == 404 and MISS_FLAG in missing.flags
