"""check_warc: digests and WARC/1.1 header rules, reported per record with offsets."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warc.check import check_warc
from archive.warc.records import HttpRequestData, HttpResponseData, build_exchange_records, warc_date_now
from archive.warc.writer import RotatingWarcWriter
from tests.conftest import SHARED

SITE = "http://www.56-china.com.cn"
FOREIGN = SHARED / "eval" / "warc"


def our_file(directory: Path) -> Path:
    with RotatingWarcWriter(directory, warcinfo_fields={"operator": "tests"}, hostname="h") as writer:
        for number in range(3):
            url = f"{SITE}/show-case-{number}.html"
            response = HttpResponseData(
                url, 200, None, [("Content-Type", "text/html")], b"<p>page %d</p>" % number
            )
            writer.write_many(
                build_exchange_records(HttpRequestData("GET", url, []), response, warc_date=warc_date_now())
            )
    return writer.files_written[0]


def test_our_files_are_clean(tmp_path):
    report = check_warc(our_file(tmp_path))
    assert report.ok
    assert report.records == 7
    assert report.problems == ()


def test_flipped_byte_in_a_plain_file_is_located(tmp_path):
    plain = tmp_path / "plain.warc"
    with gzip.open(our_file(tmp_path)) as source:
        data = bytearray(source.read())
    target = data.index(b"<p>page 1</p>")
    data[target + 3] ^= 0x01
    plain.write_bytes(bytes(data))
    record_start = data.rindex(b"WARC/1.1\r\n", 0, target)
    report = check_warc(plain)
    assert not report.ok
    assert {problem.offset for problem in report.errors} == {record_start}
    assert {problem.record_type for problem in report.errors} == {"response"}
    messages = " ".join(problem.message for problem in report.errors)
    assert "block digest failed" in messages and "payload digest failed" in messages


def test_flipped_byte_in_a_gzip_file_fails_the_check(tmp_path):
    path = our_file(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert not check_warc(path).ok


def write_raw(path: Path, warc_headers: list[tuple[str, str]], record_type: str, block: bytes = b"") -> Path:
    """A record with exactly the given WARC headers (digests and lengths still written by warcio)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    headers = StatusAndHeaders("", warc_headers, protocol="WARC/1.1")
    record = writer.create_warc_record(
        "", record_type, payload=io.BytesIO(block), length=len(block), warc_headers=headers
    )
    writer.write_record(record)
    path.write_bytes(out.getvalue())
    return path


def messages_for(path: Path) -> list[str]:
    return [problem.message for problem in check_warc(path).errors]


def base(record_type: str) -> list[tuple[str, str]]:
    return [
        ("WARC-Type", record_type),
        ("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-00000000000a>"),
        ("WARC-Date", "2026-11-29T05:30:01.123456Z"),
    ]


def test_header_rules(tmp_path):
    revisit = write_raw(tmp_path / "r.warc", [*base("revisit"), ("WARC-Target-URI", SITE + "/")], "revisit")
    assert "revisit record without WARC-Profile" in messages_for(revisit)

    no_uri = write_raw(tmp_path / "u.warc", base("resource"), "resource", b"x")
    assert "resource record without WARC-Target-URI" in messages_for(no_uri)

    concurrent = [*base("warcinfo"), ("WARC-Concurrent-To", "<urn:uuid:1>"), ("WARC-Filename", "x.warc")]
    assert "WARC-Concurrent-To is not allowed in a warcinfo record" in messages_for(
        write_raw(tmp_path / "c.warc", concurrent, "warcinfo", b"a: b\r\n")
    )

    doubled = [*base("resource"), ("WARC-Target-URI", SITE + "/"), ("WARC-Target-URI", SITE + "/again")]
    assert any(
        "appears 2 times" in m for m in messages_for(write_raw(tmp_path / "d.warc", doubled, "resource"))
    )

    bad_values = [
        ("WARC-Type", "resource"),
        ("WARC-Record-ID", "urn:uuid:no-brackets"),
        ("WARC-Date", "29/11/2026"),
        ("WARC-Target-URI", SITE + "/"),
        ("WARC-IP-Address", "not-an-ip"),
        ("WARC-Filename", "x.warc"),
    ]
    found = " | ".join(messages_for(write_raw(tmp_path / "v.warc", bad_values, "resource", b"x")))
    for expected in (
        "WARC-Record-ID is not a <URI>",
        "WARC-Date",
        "WARC-IP-Address",
        "WARC-Filename is only allowed",
    ):
        assert expected in found


def test_identical_payload_revisit_needs_its_digest(tmp_path):
    headers = [
        *base("revisit"),
        ("WARC-Target-URI", SITE + "/"),
        ("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"),
    ]
    report = check_warc(write_raw(tmp_path / "rv.warc", headers, "revisit"))
    assert [p.message for p in report.errors] == [
        "identical-payload-digest revisit without WARC-Payload-Digest"
    ]
    assert {p.message for p in report.problems if p.severity == "warning"} >= {
        "identical-payload-digest revisit without WARC-Refers-To-Target-URI",
        "identical-payload-digest revisit without WARC-Refers-To-Date",
    }


def test_foreign_digest_problem_is_found():
    report = check_warc(FOREIGN / "warcio" / "example-digest.warc")
    assert not report.ok
    # The first record's payload digest is not base32; the file is that record four times over, so
    # the three copies repeat its WARC-Record-ID.
    assert [(problem.offset, problem.message.split(":")[0]) for problem in report.errors] == [
        (0, "malformed WARC-Payload-Digest"),
        *[(offset, "WARC-Record-ID <urn") for offset in (922, 1840, 2758)],
    ]
    assert check_warc(FOREIGN / "warcio" / "example.warc.gz").ok
