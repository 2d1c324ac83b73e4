"""Crash safety: `.open` WARC files left by a killed crawl are cut at their last complete record and closed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.warc.check import check_warc
from archive.warc.reader import WarcReadError, iter_records
from archive.warc.records import HttpRequestData, HttpResponseData, build_exchange_records, warc_date_now
from archive.warc.recovery import recover_open_file, recover_open_files
from archive.warc.writer import OPEN_SUFFIX, RecordLocation, RotatingWarcWriter
from sitemodel.server import SiteModel, start_site_model
from tests.conftest import ORIGIN, REPO, SEED_URL

WARCIO = Path(sys.executable).with_name("warcio")


def warcio_check(path: Path) -> None:
    result = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _urls(path: Path) -> list[str]:
    return [
        record.rec_headers.get_header("WARC-Target-URI")
        for _, record in iter_records(path)
        if record.rec_type == "response"
    ]


def write_open_file(directory: Path, pages: int) -> tuple[Path, list[RecordLocation], list[str]]:
    """A `.open` file as a crawl leaves it when killed: complete records, never closed. Returns a copy
    of it (the writer still holds the original), the record locations and the page URLs."""
    writer = RotatingWarcWriter(directory / "live", warcinfo_fields={"operator": "tests"}, hostname="h")
    locations: list[RecordLocation] = []
    urls = [f"{ORIGIN}/show-case-{number}.html" for number in range(pages)]
    for url in urls:
        body = ("<p>" + "民族团结 " * 400 + "</p>").encode()
        response = HttpResponseData(url, 200, None, [("Content-Type", "text/html; charset=utf-8")], body)
        records = build_exchange_records(HttpRequestData("GET", url), response, warc_date=warc_date_now())
        locations += writer.write_many(records)
    assert writer.current_path is not None
    crashed = directory / "crashed"
    crashed.mkdir()
    copy = crashed / writer.current_path.name
    shutil.copyfile(writer.current_path, copy)
    writer.close()
    return copy, locations, urls


def test_partial_last_record_is_cut_and_reported(tmp_path: Path) -> None:
    open_path, locations, urls = write_open_file(tmp_path, pages=3)
    last = locations[-2]  # the last response (a request follows it)
    with open_path.open("r+b") as fh:
        fh.truncate(last.offset + last.length // 2)
    with pytest.raises(WarcReadError):
        list(iter_records(open_path))

    outcome = recover_open_file(open_path)

    assert outcome.final_path == open_path.with_name(open_path.name.removesuffix(OPEN_SUFFIX))
    assert not open_path.exists() and outcome.final_path.exists()
    assert outcome.records_kept == 1 + 2 * 2  # warcinfo and the first two exchanges
    assert outcome.bytes_kept == last.offset == outcome.final_path.stat().st_size
    assert outcome.bytes_cut == last.length // 2
    assert outcome.cut_target_uris == (urls[-1],)
    warcio_check(outcome.final_path)
    assert check_warc(outcome.final_path).ok
    assert _urls(outcome.final_path) == urls[:2]


def test_truncated_inside_the_gzip_header_of_a_member(tmp_path: Path) -> None:
    open_path, locations, _ = write_open_file(tmp_path, pages=2)
    with open_path.open("r+b") as fh:
        fh.truncate(locations[-1].offset + 5)  # five bytes of the last request's gzip header
    outcome = recover_open_file(open_path)
    assert outcome.records_kept == 1 + 2 + 1
    assert outcome.bytes_cut == 5 and outcome.cut_target_uris == ()
    warcio_check(outcome.final_path)


def test_whole_open_file_is_only_renamed(tmp_path: Path) -> None:
    open_path, locations, urls = write_open_file(tmp_path, pages=2)
    size = open_path.stat().st_size
    [outcome] = recover_open_files(open_path.parent)
    assert not outcome.was_damaged and outcome.cut_target_uris == ()
    assert outcome.records_kept == 1 + len(locations)
    assert outcome.final_path is not None and outcome.final_path.stat().st_size == size
    assert _urls(outcome.final_path) == urls
    assert recover_open_files(open_path.parent) == []  # nothing left to do


def test_file_without_one_complete_record_is_removed(tmp_path: Path) -> None:
    open_path, locations, _ = write_open_file(tmp_path, pages=1)
    with open_path.open("r+b") as fh:
        fh.truncate(locations[0].offset // 2)  # half of the warcinfo record
    outcome = recover_open_file(open_path)
    assert outcome.final_path is None and outcome.records_kept == 0
    assert list(open_path.parent.iterdir()) == []


def test_never_overwrites_a_closed_file(tmp_path: Path) -> None:
    open_path, _, _ = write_open_file(tmp_path, pages=1)
    final = open_path.with_name(open_path.name.removesuffix(OPEN_SUFFIX))
    final.write_bytes(b"a closed file")
    with pytest.raises(FileExistsError):
        recover_open_file(open_path)
    assert final.read_bytes() == b"a closed file" and open_path.exists()


@pytest.fixture(scope="module")
def own_model() -> Iterator[SiteModel]:
    """A model of our own: the shared one keeps state (the flaky page's first 500) other tests rely on."""
    with start_site_model(slow_seconds=0.0) as model:
        yield model


def _complete_records(path: Path) -> int:
    count = 0
    try:
        for _ in iter_records(path):
            count += 1
    except (WarcReadError, FileNotFoundError):
        pass
    return count


def test_sigkill_mid_crawl_then_recover(tmp_path: Path, own_model: SiteModel) -> None:
    collection = tmp_path / "killed"
    warc_dir = collection / "archive"
    settings = (
        "DOWNLOAD_DELAY=0.2",
        "AUTOTHROTTLE_START_DELAY=0.2",
        "WARC_MAX_SIZE=20000",
        "LOG_LEVEL=WARNING",
    )
    command = [sys.executable, "-m", "archive", "crawl", "--collection", str(collection)]
    command += ["--proxy", own_model.proxy_url, "--start-url", ORIGIN + "/", "--start-url", SEED_URL]
    command += [arg for setting in settings for arg in ("-s", setting)]
    crawl = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and crawl.poll() is None:
            open_files = list(warc_dir.glob(f"*{OPEN_SUFFIX}"))
            closed = list(warc_dir.glob("*.warc.gz"))
            if closed and open_files and _complete_records(open_files[0]) >= 3:
                break
            time.sleep(0.05)
        assert crawl.poll() is None, (
            "the crawl ended before it could be killed:\n" + crawl.stdout.read().decode()
        )
        os.kill(crawl.pid, signal.SIGKILL)
    finally:
        if crawl.poll() is None:
            crawl.kill()
        crawl.wait(timeout=30)
        crawl.stdout.close()
    assert crawl.returncode == -signal.SIGKILL

    closed_before = sorted(warc_dir.glob("*.warc.gz"))
    [left_open] = list(warc_dir.glob(f"*{OPEN_SUFFIX}"))
    complete_before = _complete_records(left_open)

    [outcome] = recover_open_files(warc_dir)

    assert outcome.open_path == left_open and outcome.final_path is not None
    assert outcome.records_kept == complete_before >= 3
    assert not list(warc_dir.glob(f"*{OPEN_SUFFIX}"))
    for path in [*closed_before, outcome.final_path]:
        warcio_check(path)
        assert check_warc(path).ok, check_warc(path).problems
    assert sorted(warc_dir.glob("*.warc.gz")) == sorted([*closed_before, outcome.final_path])
