"""`minzu-archive check`: the crawl's own files pass, and one flipped byte makes the command fail."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from archive.warc.reader import iter_records
from cli.commands.warc_tools import check
from tests.conftest import CrawledCollection


def test_crawled_files_pass(crawled: CrawledCollection) -> None:
    assert crawled.warc_files
    result = CliRunner().invoke(check, [str(path) for path in crawled.warc_files])
    assert result.exit_code == 0, result.output
    assert f"{len(crawled.warc_files)} of {len(crawled.warc_files)} files passed" in result.output
    assert "FAILED" not in result.output


def test_a_directory_stands_for_its_files(crawled: CrawledCollection) -> None:
    result = CliRunner().invoke(check, ["--quiet", str(crawled.path / "archive")])
    assert result.exit_code == 0, result.output
    assert f"{len(crawled.warc_files)} of {len(crawled.warc_files)} files passed" in result.output


def _flip_inside_largest_member(path: Path) -> int:
    """Flip one byte in the middle of the largest gzip member (never in its header); return the member's
    offset."""
    largest = max((location for location, _ in iter_records(path)), key=lambda location: location.length)
    data = bytearray(path.read_bytes())
    data[largest.offset + largest.length // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return largest.offset


def test_one_flipped_byte_fails(crawled: CrawledCollection, tmp_path: Path) -> None:
    good = crawled.warc_files[0]
    bad = tmp_path / good.name
    shutil.copyfile(good, bad)
    member = _flip_inside_largest_member(bad)
    result = CliRunner().invoke(check, [str(good), str(bad)])
    assert result.exit_code == 1, result.output
    assert f"OK {good}" in result.output
    assert f"FAILED {bad}" in result.output
    assert f"error: offset {member}" in result.output
    assert "1 of 2 files passed" in result.output


def test_an_empty_file_fails(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    result = CliRunner().invoke(check, [str(empty)])
    assert result.exit_code == 1
    assert "no records" in result.output
