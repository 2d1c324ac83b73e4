"""Revisit records (WARC/1.1 section 6.7): headers of the new fetch, no body, a pointer to the original.

pywb resolving such a revisit to its original is tested in test_interop_pywb.py.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from archive.warc.check import check_warc
from archive.warc.reader import iter_records
from archive.warc.records import HttpResponseData, build_response_record, build_revisit_record
from archive.warc.writer import RotatingWarcWriter

WARCIO = Path(sys.executable).with_name("warcio")
URL = "http://www.56-china.com.cn/uploadfile/2018/0518/20180518101512_1.jpg"
FIRST = "<urn:uuid:00000000-0000-4000-8000-000000000001>"
SECOND = "<urn:uuid:00000000-0000-4000-8000-000000000002>"
BODY = b"\xff\xd8jpeg\xff\xd9"

GOLDEN_REVISIT = (
    b"WARC/1.1\r\n"
    b"WARC-Type: revisit\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000002>\r\n"
    b"WARC-Date: 2026-01-02T00:00:00.000000Z\r\n"
    b"WARC-Target-URI: http://www.56-china.com.cn/uploadfile/2018/0518/20180518101512_1.jpg\r\n"
    b"WARC-IP-Address: 127.0.0.1\r\n"
    b"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
    b"WARC-Refers-To: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
    b"WARC-Refers-To-Target-URI: http://www.56-china.com.cn/uploadfile/2018/0518/20180518101512_1.jpg\r\n"
    b"WARC-Refers-To-Date: 2026-01-01T00:00:00.000000Z\r\n"
    b"WARC-Payload-Digest: sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH\r\n"
    b"WARC-Block-Digest: sha1:KD56REGXZ2YFEYSTMR32XSNQG3LNORRZ\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
    b"Content-Length: 111\r\n"
    b"\r\n"
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: image/jpeg\r\n"
    b"X-Orig-Transfer-Encoding: chunked\r\n"
    b'ETag: "v1"\r\n'
    b"Content-Length: 8\r\n"
    b"\r\n"
    b"\r\n\r\n"
)


def _identical(**overrides):
    arguments = dict(
        profile="identical-payload-digest",
        refers_to=FIRST,
        refers_to_target_uri=URL,
        refers_to_date="2026-01-01T00:00:00.000000Z",
        payload_digest="sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH",
        warc_date="2026-01-02T00:00:00.000000Z",
        record_id=SECOND,
    )
    arguments.update(overrides)
    headers = [("Content-Type", "image/jpeg"), ("Transfer-Encoding", "chunked"), ("ETag", '"v1"')]
    return build_revisit_record(
        HttpResponseData(URL, 200, None, headers, BODY, ip_address="127.0.0.1"), **arguments
    )


def _plain_bytes(record) -> bytes:
    out = io.BytesIO()
    WARCWriter(out, gzip=False, warc_version="WARC/1.1").write_record(record)
    return out.getvalue()


def test_identical_payload_revisit_golden_bytes() -> None:
    """1.1 profile URI, Refers-To triple, the HTTP headers with true lengths, and no body."""
    assert _plain_bytes(_identical()) == GOLDEN_REVISIT


def test_identical_payload_revisit_needs_a_digest() -> None:
    with pytest.raises(ValueError, match="payload digest"):
        _identical(payload_digest=None)
    with pytest.raises(ValueError, match="profile"):
        _identical(profile="identical-payload")


def _file_with_original_and_revisits(directory: Path, *, claimed_digest: str | None = None) -> Path:
    original = build_response_record(
        HttpResponseData(URL, 200, None, [("Content-Type", "image/jpeg"), ("ETag", '"v1"')], BODY),
        warc_date="2026-01-01T00:00:00.000000Z",
        record_id=FIRST,
    )
    digest = original.rec_headers.get_header("WARC-Payload-Digest")
    same = _identical(payload_digest=claimed_digest or digest)
    not_modified = build_revisit_record(
        HttpResponseData(URL, 304, None, [("ETag", '"v1"')], b""),
        profile="server-not-modified",
        refers_to=FIRST,
        refers_to_target_uri=URL,
        refers_to_date="2026-01-01T00:00:00.000000Z",
        payload_digest=None,
        warc_date="2026-01-03T00:00:00.000000Z",
    )
    with RotatingWarcWriter(directory, warcinfo_fields={"operator": "tests"}, hostname="h") as writer:
        writer.write_many([original, same, not_modified])
    return writer.files_written[0]


def test_revisits_pass_both_checks(tmp_path: Path) -> None:
    path = _file_with_original_and_revisits(tmp_path)
    report = check_warc(path)
    assert report.ok and report.problems == (), report.problems
    assert report.records == 4
    result = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_revisits_read_back_as_headers_only(tmp_path: Path) -> None:
    path = _file_with_original_and_revisits(tmp_path)
    revisits = [record for _, record in iter_records(path) if record.rec_type == "revisit"]
    assert [r.http_headers.get_statuscode() for r in revisits] == ["200", "304"]
    assert [r.raw_stream.read() for r in revisits] == [b"", b""]
    profiles = [r.rec_headers.get_header("WARC-Profile").rsplit("/", 1)[1] for r in revisits]
    assert profiles == ["identical-payload-digest", "server-not-modified"]
    assert revisits[1].rec_headers.get_header("WARC-Payload-Digest") is None
    assert revisits[1].http_headers.get_header("Content-Length") is None  # a 304 says nothing of a body


def test_revisit_claiming_another_payload_than_its_original_fails(tmp_path: Path) -> None:
    path = _file_with_original_and_revisits(tmp_path, claimed_digest="sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH")
    report = check_warc(path)
    assert not report.ok
    [error] = report.errors
    assert error.record_id == SECOND and "revisit claims payload" in error.message


def test_unknown_revisit_profile_is_a_warning(tmp_path: Path) -> None:
    record = _identical()
    record.rec_headers.replace_header("WARC-Profile", "http://example.org/revisit/other")
    path = tmp_path / "other.warc"
    path.write_bytes(_plain_bytes(record))
    report = check_warc(path)
    assert report.ok
    assert any("unknown revisit profile" in problem.message for problem in report.problems)
