"""Live ingest runs in a process of its own that owns the database during a crawl: what it stores equals
a rebuild of the same files, and a store process that dies costs the crawl nothing (the WARC files keep
every record; the end of the crawl ingests them again)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from archive.db.schema import open_archive
from archive.live_store import DEFAULT_NICENESS, SUBMIT_BATCH, LiveIngestProcess
from archive.rebuild import ingest_then_site_pass, rebuild
from archive.warc.records import HttpResponseData, build_response_record
from archive.warc.writer import RecordLocation, RotatingWarcWriter
from tests.conftest import LOOPBACK_SETTINGS, ORIGIN, REPO, SEED_URL, CrawledCollection
from tests.test_db_warcs import dump_content

SITE = "http://pages.example"
PARAGRAPH = "民族团结进步是各族人民的生命线，这篇文章记下了一个村庄几十年的变化和人们的故事。"


def _write_pages(directory: Path, count: int) -> list[RecordLocation]:
    with RotatingWarcWriter(directory, prefix="live", warcinfo_fields={"run-id": "live"}) as writer:
        locations = []
        for n in range(count):
            body = "".join(f"<p>第{n}篇：{PARAGRAPH}</p>" for _ in range(5))
            html = f"<html><head><title>第{n}篇</title></head><body><article><h1>第{n}篇</h1>{body}</article>"
            record = build_response_record(
                HttpResponseData(
                    f"{SITE}/{n}.html", 200, "OK", [("Content-Type", "text/html")], html.encode()
                ),
                warc_date="2026-01-01T00:00:00Z",
            )
            locations.extend(writer.write_many([record]))
    [path] = directory.glob("*.warc.gz")
    first = locations[0]
    return [RecordLocation(path.name, 0, first.offset), *locations]  # the warcinfo record first


def test_the_store_process_stores_what_a_rebuild_stores(tmp_path: Path) -> None:
    locations = _write_pages(tmp_path / "warc", 12)
    live = LiveIngestProcess(tmp_path / "live.db", tmp_path / "warc", workers=1)
    live.submit(locations[:5])
    live.submit(locations[5:])
    actions = live.flush() + live.close()
    assert live.process.returncode == 0 and live.failures == []
    assert actions["article"] == 12 and live.counts.article_statuses["ok"] == 12
    ingest_then_site_pass(open_archive(tmp_path / "live.db"), [])  # what the end of a crawl runs
    rebuild(sorted((tmp_path / "warc").glob("*.warc.gz")), tmp_path / "rebuilt.db", workers=0)
    assert dump_content(open_archive(tmp_path / "live.db", readonly=True)) == dump_content(
        open_archive(tmp_path / "rebuilt.db", readonly=True)
    )


def test_records_go_over_in_batches_and_a_poll_sends_a_partial_one(tmp_path: Path) -> None:
    """Per-record messages cost the crawl's one thread a pickle and a write each: records wait in
    batches, and the recorder's timer (a poll) sends what is left, so none waits for a full batch."""
    locations = _write_pages(tmp_path / "warc", SUBMIT_BATCH + 5)
    live = LiveIngestProcess(tmp_path / "live.db", tmp_path / "warc", workers=0)
    try:
        live.submit(locations[:4])
        assert len(live._unsent) == 4  # below a batch: nothing sent yet
        live.submit(locations[4:])
        assert live._unsent == []  # a full batch goes at once, the rest with it
        stored: Counter[str] = Counter()
        deadline = time.monotonic() + 60
        while stored["article"] < SUBMIT_BATCH + 5 and time.monotonic() < deadline:
            stored += live.poll()
            time.sleep(0.05)
        assert stored["article"] == SUBMIT_BATCH + 5
        live.submit(locations[1:3])  # stored again: a partial batch that only a poll sends
        live.poll()
        assert live._unsent == []
    finally:
        live.close()
    assert live.process.returncode == 0 and live.failures == []


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_the_store_process_and_its_worker_yield_the_cpu_to_the_crawl(tmp_path: Path) -> None:
    """The crawl's thread keeps time with the network; storing may lag and catch up (flush waits)."""
    locations = _write_pages(tmp_path / "warc", 3)
    live = LiveIngestProcess(tmp_path / "live.db", tmp_path / "warc", workers=1, niceness=DEFAULT_NICENESS)
    try:
        live.submit(locations)
        assert live.flush()["article"] == 3  # the worker has started and done its work
        workers = [pid for pid, command in _children(live.process.pid) if "archive.ingest_workers" in command]
        own = _niceness(os.getpid())
        assert _niceness(live.process.pid) == min(19, own + DEFAULT_NICENESS)
        assert workers and all(_niceness(pid) == min(19, own + DEFAULT_NICENESS) for pid in workers)
    finally:
        live.close()


def test_a_store_process_that_dies_is_reported_not_raised(tmp_path: Path) -> None:
    locations = _write_pages(tmp_path / "warc", 3)
    live = LiveIngestProcess(tmp_path / "live.db", tmp_path / "warc", workers=0)
    live.process.kill()
    live.process.wait()
    live.submit(locations)
    live.poll()
    live.close()
    assert any("live ingest process stopped" in failure for failure in live.failures)


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(entry.name), command))
    return found


def test_a_crawl_whose_store_process_is_killed_still_archives_every_record(
    crawled: CrawledCollection, tmp_path: Path
) -> None:
    """SIGKILL the store process while the crawl runs: the crawl finishes, counts the failure, and the
    database it leaves equals a rebuild of its WARC files."""
    collection = tmp_path / "collection"
    command = [sys.executable, "-m", "archive", "crawl", "--collection", str(collection)]
    command += ["--proxy", crawled.model.proxy_url, "--start-url", ORIGIN + "/", "--start-url", SEED_URL]
    command += [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    crawl = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and crawl.poll() is None and time.monotonic() < deadline:
        stores = [pid for pid, cmd in _children(crawl.pid) if "archive.live_store" in cmd]
        warc_dir = collection / "archive"
        if stores and warc_dir.exists() and sum(f.stat().st_size for f in warc_dir.iterdir()) > 200_000:
            os.kill(stores[0], signal.SIGKILL)
            killed = stores[0]
        time.sleep(0.05)
    _stdout, stderr = crawl.communicate(timeout=600)
    assert killed is not None, "the crawl ended before its store process could be killed"
    assert crawl.returncode == 0, stderr[-3000:]
    live = open_archive(collection / "archive.db", readonly=True)
    [stats] = live.execute("SELECT stats FROM crawl_runs").fetchone()
    assert json.loads(stats)["stats"]["ingest/errors"] == 1
    warcs = sorted((collection / "archive").glob("*.warc.gz"))
    rebuild(warcs, tmp_path / "rebuilt.db", workers=0)
    assert dump_content(live) == dump_content(open_archive(tmp_path / "rebuilt.db", readonly=True))
