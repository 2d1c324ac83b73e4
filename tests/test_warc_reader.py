"""Reading back: locations, damage reports, payload decoding, and foreign WARC/ARC files."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import brotli
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warc.reader import (
    PayloadDecodeError,
    WarcReadError,
    iter_records,
    read_record_at,
    record_http_payload,
    resolve_warc_path,
)
from archive.warc.records import HttpRequestData, HttpResponseData, build_exchange_records, warc_date_now
from archive.warc.writer import RotatingWarcWriter
from tests.conftest import SHARED

SITE = "http://www.56-china.com.cn"
FOREIGN = SHARED / "eval" / "warc"
PAGE = "<html><p>　　海西州创建全国民族团结进步示范州。</p></html>".encode()


def write_site(directory: Path, bodies: dict[str, tuple[bytes, list[tuple[str, str]]]]):
    """One WARC with a request/response pair per URL; returns (path, response locations)."""
    locations = []
    with RotatingWarcWriter(directory, warcinfo_fields={"operator": "tests"}, hostname="h") as writer:
        for path, (body, headers) in bodies.items():
            request = HttpRequestData("GET", SITE + path, [])
            response = HttpResponseData(SITE + path, 200, "OK", headers, body)
            locations.append(
                writer.write_many(build_exchange_records(request, response, warc_date=warc_date_now()))[0]
            )
    return writer.files_written[0], locations


def three_pages(tmp_path):
    return write_site(
        tmp_path,
        {
            "/show-case-1.html": (PAGE, []),
            "/show-case-2.html": (gzip.compress(PAGE), [("Content-Encoding", "gzip")]),
            "/show-case-3.html": (brotli.compress(PAGE), [("Content-Encoding", "br")]),
        },
    )


def test_iter_records_reports_the_writer_locations_and_keeps_content(tmp_path):
    path, written = three_pages(tmp_path)
    read = list(iter_records(path))
    assert [record.rec_type for _, record in read] == ["warcinfo", *["response", "request"] * 3]
    response_locations = [location for location, record in read if record.rec_type == "response"]
    assert response_locations == written
    # content is still readable after the iterator moved on, and decodes to the page
    assert [record_http_payload(record) for _, record in read if record.rec_type == "response"] == [PAGE] * 3


def test_record_http_payload_can_be_called_twice(tmp_path):
    path, written = three_pages(tmp_path)
    record = read_record_at(path, written[1].offset)
    assert record_http_payload(record) == PAGE
    assert record_http_payload(record) == PAGE


def test_truncated_gzip_file_yields_complete_records_then_reports(tmp_path):
    path, written = three_pages(tmp_path)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[: written[2].offset + written[2].length // 2])
    seen = []
    with pytest.raises(WarcReadError) as damage:
        for location, record in iter_records(cut):
            seen.append((location.offset, record.rec_type))
    assert [kind for _, kind in seen] == ["warcinfo", "response", "request", "response", "request"]
    assert damage.value.offset == written[2].offset
    assert damage.value.records_read == 5
    assert damage.value.path == cut


def test_truncated_plain_file_reports_the_cut_record(tmp_path):
    path, _ = three_pages(tmp_path)
    plain = tmp_path / "plain.warc"
    with gzip.open(path) as source:
        plain.write_bytes(source.read())
    data = plain.read_bytes()
    plain.write_bytes(data[: data.rindex(b"WARC/1.1\r\n") + 200])  # inside the last record's headers/block
    records = []
    with pytest.raises(WarcReadError, match=r"truncated|unreadable"):
        records.extend(record.rec_type for _, record in iter_records(plain))
    assert records == ["warcinfo", *["response", "request"] * 2, "response"]


def test_gzip_member_cut_in_its_trailer_is_damage(tmp_path):
    path, _ = three_pages(tmp_path)
    cut = tmp_path / "trailer.warc.gz"
    cut.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(WarcReadError, match="cut short"):
        list(iter_records(cut))


def test_read_record_at_a_wrong_offset_is_a_clear_error(tmp_path):
    path, written = three_pages(tmp_path)
    with pytest.raises(WarcReadError):
        read_record_at(path, written[0].offset + 5)


def test_resolve_warc_path(tmp_path):
    (tmp_path / "a.warc.gz.open").write_bytes(b"")
    (tmp_path / "b.warc.gz").write_bytes(b"")
    assert resolve_warc_path(tmp_path, "a.warc.gz") == tmp_path / "a.warc.gz.open"
    assert resolve_warc_path(tmp_path, "b.warc.gz") == tmp_path / "b.warc.gz"
    with pytest.raises(FileNotFoundError):
        resolve_warc_path(tmp_path, "c.warc.gz")


def foreign_response(headers: list[tuple[str, str]], stored: bytes):
    """A response written the way other crawlers do (e.g. still chunked), straight through warcio."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http_headers = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            SITE + "/", "response", payload=io.BytesIO(stored), length=len(stored), http_headers=http_headers
        )
    )
    return out.getvalue()


def test_payload_of_a_chunked_foreign_record(tmp_path):
    body = gzip.compress(PAGE)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:])) + b"0\r\n\r\n"
    path = tmp_path / "foreign.warc"
    path.write_bytes(
        foreign_response([("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")], chunked)
    )
    [(_, record)] = list(iter_records(path))
    assert record_http_payload(record) == PAGE


@pytest.mark.parametrize(
    ("encoding", "stored", "expected_partial"),
    [
        ("gzip", gzip.compress(PAGE)[:-12], True),
        ("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate", False),
        ("br", brotli.compress(PAGE)[:-4], None),
        ("zstd", b"(\xb5/\xfd", None),
    ],
)
def test_undecodable_payload_is_a_clear_error(tmp_path, encoding, stored, expected_partial):
    path = tmp_path / "bad.warc"
    path.write_bytes(foreign_response([("Content-Encoding", encoding)], stored))
    [(_, record)] = list(iter_records(path))
    with pytest.raises(PayloadDecodeError) as problem:
        record_http_payload(record)
    assert problem.value.encoding == encoding
    if expected_partial is True:
        assert problem.value.partial and PAGE.startswith(problem.value.partial)


def test_deflate_zlib_and_raw_and_size_bound(tmp_path):
    for stored in (zlib.compress(PAGE), zlib.compress(PAGE)[2:-4]):
        path = tmp_path / "deflate.warc"
        path.write_bytes(foreign_response([("Content-Encoding", "deflate")], stored))
        [(_, record)] = list(iter_records(path))
        assert record_http_payload(record) == PAGE
    bomb = tmp_path / "bomb.warc"
    bomb.write_bytes(foreign_response([("Content-Encoding", "gzip")], gzip.compress(b"\0" * 5_000_000)))
    [(_, record)] = list(iter_records(bomb))
    with pytest.raises(PayloadDecodeError, match="exceeds"):
        record_http_payload(record, max_bytes=1_000_000)


FOREIGN_FILES = sorted(
    p for p in FOREIGN.rglob("*") if p.is_file() and p.name not in {"LICENSE"} and p.suffix != ".md"
)
# Files other tools also refuse: whole-file gzip, members not aligned with records, a short ARC record;
# and one whose response states a Content-Length 6 bytes short, leaving 6 bytes that belong to no record
# (warcio skips them with a warning; we read every record and report the 6 bytes as damage).
FOREIGN_DAMAGED = {"example-bad-non-chunked.warc.gz", "example-bad.warc.gz.bad", "example-wrong-chunks.warc.gz",
                   "example-space-in-url.arc", "example-trunc.warc"}  # fmt: skip


def test_foreign_files_are_present():
    assert len(FOREIGN_FILES) >= 18


@pytest.mark.parametrize("path", FOREIGN_FILES, ids=lambda p: p.name)
def test_foreign_files_never_crash_the_reader(path):
    seen = []
    try:
        for location, record in iter_records(path, check_digests=True):
            seen.append(location)
            assert location.length > 0
            assert record.rec_headers.get_header("WARC-Record-ID")
            try:
                record_http_payload(record)
            except PayloadDecodeError:
                pass
    except WarcReadError as damage:
        assert path.name in FOREIGN_DAMAGED, str(damage)
    else:
        assert path.name not in FOREIGN_DAMAGED
        assert seen
    offsets = [location.offset for location in seen]
    assert offsets == sorted(set(offsets))
    for location in seen[:3]:
        assert read_record_at(path, location.offset).rec_headers is not None


def test_foreign_counts_and_stable_arc_ids():
    assert len(list(iter_records(FOREIGN / "warcio" / "example.warc.gz"))) == 6
    assert len(list(iter_records(FOREIGN / "warcio" / "example.warc"))) == 6
    first = [
        r.rec_headers.get_header("WARC-Record-ID")
        for _, r in iter_records(FOREIGN / "warcio" / "example.arc.gz")
    ]
    again = [
        r.rec_headers.get_header("WARC-Record-ID")
        for _, r in iter_records(FOREIGN / "warcio" / "example.arc.gz")
    ]
    assert len(first) == 2 and first == again
    [_, response] = [r for _, r in iter_records(FOREIGN / "warcio" / "example.arc")]
    assert response.rec_headers.get_header("WARC-Target-URI") == "http://example.com/"
