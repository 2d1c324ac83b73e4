"""Record building: golden bytes, request/status lines, target URIs and honest length headers.

Regenerate the golden file (only after a deliberate format change) with
``.venv/bin/python tests/test_warc_records.py``.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archive.warc.records import (
    HttpRequestData,
    HttpResponseData,
    build_exchange_records,
    build_metadata_record,
    build_request_record,
    build_response_record,
    build_warcinfo_record,
    new_record_id,
    warc_date_now,
)

GOLDEN = Path(__file__).parent / "data" / "warc" / "golden-exchange.warc"
WARCIO = Path(sys.executable).with_name("warcio")
DATE = "2026-11-29T05:30:01.123456Z"
SITE = "http://www.56-china.com.cn"


def serialize(*records) -> bytes:
    """Plain (uncompressed) bytes, so the golden file is readable and byte-stable."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    for record in records:
        writer.write_record(record)
    return out.getvalue()


def golden_records():
    warcinfo_id = "<urn:uuid:00000000-0000-4000-8000-000000000001>"
    warcinfo = build_warcinfo_record(
        "golden.warc",
        {
            "software": "minzu-archive test",
            "format": "WARC File Format 1.1",
            "seed": [SITE + "/", SITE + "/a"],
        },
        warc_date=DATE,
        record_id=warcinfo_id,
    )
    request = HttpRequestData(
        "GET",
        SITE + "/index.php?m=content&c=index&a=show&catid=2&id=1616",
        [("User-Agent", "minzu-archive/0.1"), ("Accept-Encoding", "gzip, deflate, br")],
    )
    response = HttpResponseData(
        url=request.url,
        status=200,
        reason=None,
        headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Transfer-Encoding", "chunked"),
            ("Set-Cookie", "PHPSESSID=abc; path=/"),
            ("Set-Cookie", "lang=zh; path=/"),
        ],
        body="<html><title>创建,永远在路上</title></html>".encode(),
        ip_address="127.0.0.1",
    )
    response_record, request_record = build_exchange_records(
        request,
        response,
        warc_date=DATE,
        warcinfo_id=warcinfo_id,
        request_id="<urn:uuid:00000000-0000-4000-8000-000000000002>",
        response_id="<urn:uuid:00000000-0000-4000-8000-000000000003>",
    )
    return warcinfo, response_record, request_record


def test_golden_exchange_is_byte_identical():
    assert serialize(*golden_records()) == GOLDEN.read_bytes()


def test_golden_file_passes_warcio_check():
    result = subprocess.run([str(WARCIO), "check", "-v", str(GOLDEN)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("digest pass") == 3


def read_back(record):
    return next(iter(ArchiveIterator(io.BytesIO(serialize(record)))))


def http_block(record) -> bytes:
    """The serialized HTTP part (status/request line, headers, body) of one record."""
    data = serialize(record)
    return data.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n\r\n", 1)[0]


def test_request_line_keeps_query_and_adds_host():
    request = HttpRequestData("get", "http://www.56-china.com.cn:8080/index.php?m=content&id=1#top", [])
    block = http_block(build_request_record(request, warc_date=DATE))
    assert block.startswith(b"GET /index.php?m=content&id=1 HTTP/1.1\r\nHost: www.56-china.com.cn:8080\r\n")


def test_given_host_header_is_not_duplicated():
    request = HttpRequestData("GET", SITE + "/", [("Host", "www.56-china.com.cn")])
    assert http_block(build_request_record(request, warc_date=DATE)).count(b"Host:") == 1


def test_target_uri_is_percent_encoded_ascii():
    record = build_request_record(
        HttpRequestData("GET", SITE + "/专题/海西.html?q=民族&done=%E4%B8%AD", []),
        warc_date=DATE,
        query_encoding="gbk",
    )
    uri = record.rec_headers.get_header("WARC-Target-URI")
    assert uri == SITE + "/%E4%B8%93%E9%A2%98/%E6%B5%B7%E8%A5%BF.html?q=%C3%F1%D7%E5&done=%E4%B8%AD"
    assert http_block(record).startswith(
        b"GET /%E4%B8%93%E9%A2%98/%E6%B5%B7%E8%A5%BF.html?q=%C3%F1%D7%E5&done=%E4%B8%AD HTTP/1.1\r\n"
    )


def test_already_encoded_url_is_not_encoded_twice():
    url = SITE + "/a%20b/%E6%B5%B7.html?x=%25"
    record = build_response_record(HttpResponseData(url, 200, "OK", [], b""), warc_date=DATE)
    assert record.rec_headers.get_header("WARC-Target-URI") == url


def test_status_line_keeps_protocol_and_reason():
    custom = HttpResponseData(SITE + "/", 200, "Fine Thanks", [], b"", protocol="HTTP/1.0")
    assert http_block(build_response_record(custom, warc_date=DATE)).startswith(
        b"HTTP/1.0 200 Fine Thanks\r\n"
    )
    standard = HttpResponseData(SITE + "/old", 301, None, [("Location", "/new")], b"")
    assert http_block(build_response_record(standard, warc_date=DATE)).startswith(
        b"HTTP/1.1 301 Moved Permanently\r\n"
    )


def test_chunked_and_wrong_length_headers_are_renamed():
    body = b"0123456789"
    response = HttpResponseData(
        SITE + "/", 200, "OK", [("Transfer-Encoding", "chunked"), ("Content-Length", "99")], body
    )
    block = http_block(build_response_record(response, warc_date=DATE))
    headers, stored = block.split(b"\r\n\r\n", 1)
    lines = headers.split(b"\r\n")[1:]
    assert lines == [
        b"X-Orig-Transfer-Encoding: chunked",
        b"X-Orig-Content-Length: 99",
        b"Content-Length: 10",
    ]
    assert stored == body


def test_missing_content_length_is_added_and_true_one_kept():
    absent = HttpResponseData(SITE + "/", 200, "OK", [("Content-Encoding", "gzip")], b"abc")
    assert read_back(build_response_record(absent, warc_date=DATE)).http_headers.headers == [
        ("Content-Encoding", "gzip"),
        ("Content-Length", "3"),
    ]
    true = HttpResponseData(SITE + "/", 200, "OK", [("Content-Length", "3")], b"abc")
    assert read_back(build_response_record(true, warc_date=DATE)).http_headers.headers == [
        ("Content-Length", "3")
    ]


def test_repeated_headers_keep_every_value_in_order():
    headers = [
        ("Set-Cookie", "a=1"),
        ("Link", "</s.css>; rel=preload"),
        ("Set-Cookie", "b=2"),
        ("Set-Cookie", "c=3"),
    ]
    record = read_back(
        build_response_record(HttpResponseData(SITE + "/", 200, "OK", headers, b""), warc_date=DATE)
    )
    assert [value for name, value in record.http_headers.headers if name == "Set-Cookie"] == [
        "a=1",
        "b=2",
        "c=3",
    ]
    assert record.http_headers.get_header("Link") == "</s.css>; rel=preload"


def test_raw_header_bytes_survive():
    gbk_name = "海西.pdf".encode("gbk").decode("latin-1")
    response = HttpResponseData(
        SITE + "/f", 200, "OK", [("Content-Disposition", f'attachment; filename="{gbk_name}"')], b""
    )
    assert b'filename="' + "海西.pdf".encode("gbk") + b'"' in http_block(
        build_response_record(response, warc_date=DATE)
    )


def test_response_fields_ip_truncation_and_links():
    response = HttpResponseData(SITE + "/big.pdf", 200, "OK", [], b"partial", ip_address="10.0.0.7")
    response_record, request_record = build_exchange_records(
        HttpRequestData("GET", SITE + "/big.pdf", []), response, warc_date=DATE, truncated="length"
    )
    headers = response_record.rec_headers
    assert headers.get_header("WARC-IP-Address") == "10.0.0.7"
    assert headers.get_header("WARC-Truncated") == "length"
    assert headers.get_header("WARC-Concurrent-To") == request_record.rec_headers.get_header("WARC-Record-ID")
    assert request_record.rec_headers.get_header("WARC-Concurrent-To") == headers.get_header("WARC-Record-ID")
    with pytest.raises(ValueError):
        build_response_record(response, warc_date=DATE, truncated="bored")


def test_every_record_carries_both_digests_and_warc_1_1():
    for record in golden_records()[1:]:
        parsed = read_back(record)
        assert parsed.rec_headers.protocol == "WARC/1.1"
        assert parsed.rec_headers.get_header("WARC-Block-Digest").startswith("sha1:")
        assert parsed.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")


def test_metadata_record_formats():
    fields = read_back(build_metadata_record(SITE + "/", {"outlink": ["/a", "/b"]}, warc_date=DATE))
    assert fields.rec_headers.get_header("Content-Type") == "application/warc-fields"
    assert fields.raw_stream.read() == b"outlink: /a\r\noutlink: /b\r\n"
    as_json = read_back(build_metadata_record(SITE + "/", {"pages": 2, "title": "海西"}, warc_date=DATE))
    assert as_json.rec_headers.get_header("Content-Type") == "application/json"
    assert as_json.raw_stream.read() == '{"pages": 2, "title": "海西"}'.encode()


def test_warc_fields_cannot_be_forged_by_newlines():
    record = read_back(build_warcinfo_record("x.warc.gz", {"operator": "me\r\nformat: fake"}, warc_date=DATE))
    assert record.raw_stream.read() == b"operator: me format: fake\r\n"


def test_ids_and_dates_have_the_warc_shape():
    assert re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", new_record_id())
    assert new_record_id() != new_record_id()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", warc_date_now())


if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_bytes(serialize(*golden_records()))
    print(f"wrote {GOLDEN}")
