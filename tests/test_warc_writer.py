"""The rotating writer: real files, read back by warcio, `warcio check` and cdxj-indexer."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc.reader import iter_records, read_record_at, resolve_warc_path
from archive.warc.records import (
    HttpRequestData,
    HttpResponseData,
    build_exchange_records,
    build_metadata_record,
    warc_date_now,
)
from archive.warc.writer import RecordLocation, RotatingWarcWriter

BIN = Path(sys.executable).parent
SITE = "http://www.56-china.com.cn"
NAME_PATTERN = r"minzu-\d{20}-\d{5}-testhost\.warc\.gz"


def exchange(path: str, body: bytes = b"<html>page</html>"):
    url = SITE + path
    request = HttpRequestData("GET", url, [("User-Agent", "test")])
    response = HttpResponseData(url, 200, None, [("Content-Type", "text/html")], body, ip_address="127.0.0.1")
    return build_exchange_records(request, response, warc_date=warc_date_now())


def make_writer(directory: Path, **options) -> RotatingWarcWriter:
    return RotatingWarcWriter(
        directory, warcinfo_fields={"operator": "tests"}, hostname="testhost", **options
    )


def records_of(path: Path):
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            record.raw_stream.read()
            yield record


def test_written_file_passes_warcio_check_and_is_indexed(tmp_path):
    with make_writer(tmp_path) as writer:
        writer.write_many(exchange("/show-case-1616.html"))
        writer.write_many(exchange("/index.php?m=content&id=7620"))
        writer.write(
            build_metadata_record(
                SITE + "/show-case-1616.html", {"outlink": ["/a"]}, warc_date=warc_date_now()
            )
        )
    [path] = writer.files_written
    check = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 6
    index = subprocess.run([str(BIN / "cdxj-indexer"), str(path)], capture_output=True, text=True, check=True)
    urls = [json.loads(line.split(" ", 2)[2])["url"] for line in index.stdout.splitlines()]
    assert SITE + "/show-case-1616.html" in urls
    assert SITE + "/index.php?m=content&id=7620" in urls


def test_each_record_is_one_gzip_member_at_its_location(tmp_path):
    with make_writer(tmp_path) as writer:
        locations = writer.write_many(exchange("/show-case-709.html"))
    data = writer.files_written[0].read_bytes()
    for location in locations:
        member = data[location.offset : location.offset + location.length]
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        text = decompressor.decompress(member)
        assert decompressor.eof and decompressor.unused_data == b""
        assert text.startswith(b"WARC/1.1\r\n") and text.endswith(b"\r\n\r\n")
    assert locations[1].offset == locations[0].offset + locations[0].length
    assert locations[-1].offset + locations[-1].length == len(data)


def test_open_suffix_until_closed_and_live_read_back(tmp_path):
    writer = make_writer(tmp_path)
    response_location, _ = writer.write_many(exchange("/show-case-1.html", b"fresh"))
    assert isinstance(response_location, RecordLocation)
    assert not response_location.filename.endswith(".open")
    growing = resolve_warc_path(tmp_path, response_location.filename)
    assert growing.name == response_location.filename + ".open"
    assert not (tmp_path / response_location.filename).exists()
    record = read_record_at(growing, response_location.offset)
    assert record.rec_headers.get_header("WARC-Target-URI") == SITE + "/show-case-1.html"
    assert record.raw_stream.read() == b"fresh"
    writer.close()
    assert resolve_warc_path(tmp_path, response_location.filename) == tmp_path / response_location.filename
    assert not growing.exists()
    assert writer.files_written == [tmp_path / response_location.filename]
    with pytest.raises(ValueError):
        writer.write_many(exchange("/late.html"))


def test_rotation_by_size_starts_every_file_with_its_warcinfo(tmp_path):
    with make_writer(tmp_path, max_file_size=2_000) as writer:
        for number in range(12):
            locations = writer.write_many(exchange(f"/show-case-{number}.html", os.urandom(700)))
            assert locations[0].filename == locations[1].filename  # a pair never straddles two files
    assert len(writer.files_written) >= 3
    assert len({path.name for path in writer.files_written}) == len(writer.files_written)
    serials = []
    seen_urls = []
    for path in writer.files_written:
        assert re.fullmatch(NAME_PATTERN, path.name)
        serials.append(int(path.name.split("-")[2]))
        records = list(records_of(path))
        warcinfo = records[0]
        assert warcinfo.rec_type == "warcinfo"
        assert warcinfo.rec_headers.get_header("WARC-Filename") == path.name
        info_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
        assert all(record.rec_headers.get_header("WARC-Warcinfo-ID") == info_id for record in records[1:])
        assert [record.rec_type for record in records[1:]].count("warcinfo") == 0
        seen_urls += [
            r.rec_headers.get_header("WARC-Target-URI") for r in records if r.rec_type == "response"
        ]
        if path != writer.files_written[-1]:
            # rotated only once full, and the last pair was started while the file was still below the limit
            assert path.stat().st_size >= 2_000
            response_offsets = [loc.offset for loc, rec in iter_records(path) if rec.rec_type == "response"]
            assert response_offsets[-1] < 2_000
    assert serials == list(range(len(serials)))
    assert seen_urls == [f"{SITE}/show-case-{number}.html" for number in range(12)]
    assert not list(tmp_path.glob("*.open"))


def test_warcinfo_fields_and_current_id(tmp_path):
    writer = make_writer(tmp_path)
    info_id = writer.current_warcinfo_id
    writer.write_many(exchange("/x.html"))
    writer.close()
    [warcinfo, response, request] = list(records_of(writer.files_written[0]))
    assert warcinfo.rec_headers.get_header("WARC-Record-ID") == info_id
    assert response.rec_headers.get_header("WARC-Warcinfo-ID") == info_id
    assert request.rec_headers.get_header("WARC-Warcinfo-ID") == info_id
    with gzip.open(writer.files_written[0]) as fh:
        head = fh.read(2_000).decode()
    for line in ("operator: tests", "format: WARC File Format 1.1", "hostname: testhost"):
        assert line in head
    assert "software: minzu-archive/" in head and "conformsTo: https://iipc.github.io/" in head


def test_fsync_flag_and_empty_writer(tmp_path):
    with make_writer(tmp_path, fsync=True) as writer:
        assert writer.write_many([]) == []
    assert writer.files_written == [] and list(tmp_path.iterdir()) == []
    with make_writer(tmp_path / "synced", fsync=True) as writer:
        writer.write_many(exchange("/s.html"))
    assert len(list(iter_records(writer.files_written[0]))) == 3
