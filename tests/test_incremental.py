"""Re-crawls of a changed site, resume after a kill, and the one-crawl-per-collection lock."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.collection import CollectionLock
from archive.warc.reader import WarcReadError, iter_records
from sitemodel.server import start_site_model
from tests.conftest import HTTPS_ORIGIN, LOOPBACK_SETTINGS, REPO, cli

pytestmark = pytest.mark.e2e


def crawl_args(collection: Path, proxy_url: str, *extra: str) -> list[str]:
    settings = [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    return [
        "crawl",
        "--collection",
        str(collection),
        "--proxy",
        proxy_url,
        "--start-url",
        HTTPS_ORIGIN + "/",
        *settings,
        *extra,
    ]


def warc_bytes_per_run(collection: Path) -> list[int]:
    conn = sqlite3.connect(collection / "archive.db")
    rows = conn.execute("select stats from crawl_runs order by started").fetchall()
    return [json.loads(stats)["stats"]["warc/bytes"] for (stats,) in rows]


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, object]:
    """The same collection crawled from site version 1, then from version 2 a hundred days later (by the
    revisit schedule's calendar): past every interval's maximum, so every archived URL is due again."""
    collection = tmp_path_factory.mktemp("incremental")
    later = (dt.date.today() + dt.timedelta(days=100)).isoformat()
    with start_site_model(version=1) as first:
        cli(*crawl_args(collection, first.proxy_url))
    with start_site_model(version=2) as second:
        output = cli(*crawl_args(collection, second.proxy_url, "--as-of", later))
        return collection, second.site, output


def test_second_crawl_writes_a_small_fraction(recrawled) -> None:
    collection, _, output = recrawled
    first, second = warc_bytes_per_run(collection)
    assert second < 0.10 * first
    assert "of first crawl" in output.stdout


def test_revisit_records_point_at_their_originals(recrawled) -> None:
    collection, _, _ = recrawled
    records = {}
    revisits = []
    for path in sorted((collection / "archive").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                headers = record.rec_headers
                records[headers.get_header("WARC-Record-ID")] = headers
                if record.rec_type == "revisit":
                    revisits.append(headers)
    profiles = Counter(h.get_header("WARC-Profile") for h in revisits)
    assert profiles["http://netpreserve.org/warc/1.1/revisit/server-not-modified"] > 50
    for headers in revisits:
        original = records[headers.get_header("WARC-Refers-To")]
        assert original.get_header("WARC-Type") == "response"
        assert original.get_header("WARC-Target-URI") == headers.get_header("WARC-Refers-To-Target-URI")
        assert original.get_header("WARC-Date") == headers.get_header("WARC-Refers-To-Date")
        assert headers.get_header("WARC-Payload-Digest") == original.get_header("WARC-Payload-Digest")


def test_edited_removed_and_new_articles(recrawled) -> None:
    collection, site, _ = recrawled
    conn = sqlite3.connect(collection / "archive.db")
    edited = [a for a in site.articles if a.updated]
    assert edited
    versions = conn.execute(
        "select count(distinct text) from articles where url = ? and status = 'ok'",
        [HTTPS_ORIGIN + edited[0].path],
    ).fetchone()[0]
    assert versions == 2
    for path in site.removed_paths:
        statuses = [
            s
            for (s,) in conn.execute(
                "select status from captures where url = ? order by fetched_at", [HTTPS_ORIGIN + path]
            )
        ]
        assert statuses[0] == 200 and statuses[-1] == 410
        shown = json.loads(cli("show", str(collection / "archive.db"), HTTPS_ORIGIN + path, "--json").stdout)
        assert shown["gone"] and shown["title"], "marked gone, old version kept"
    new_urls = [HTTPS_ORIGIN + a.path for a in site.articles if a.id in (8101, 8102)]
    for url in new_urls:
        shown = json.loads(cli("show", str(collection / "archive.db"), url, "--json").stdout)
        assert shown["title"]


def test_replaced_image_gets_a_new_capture(recrawled) -> None:
    collection, site, _ = recrawled
    conn = sqlite3.connect(collection / "archive.db")
    for path in site.replaced_images:
        digests = conn.execute(
            "select distinct payload_digest from captures where url = ? and record_type = 'response'",
            [HTTPS_ORIGIN + path],
        ).fetchall()
        assert len(digests) == 2


def archived_urls(collection: Path) -> set[str]:
    """URLs of complete response records in a collection's WARC files (any status: a redirect and a 404 are
    captures too), open files included."""
    urls = set()
    for path in (collection / "archive").glob("*.warc.gz*"):
        try:
            for _, record in iter_records(path):
                if record.rec_type == "response":
                    urls.add(record.rec_headers.get_header("WARC-Target-URI"))
        except WarcReadError:
            continue  # the record the kill cut short: recovery drops it and the crawl fetches it again
    return urls


@pytest.mark.parametrize(
    ("stop_signal", "share"),
    [(signal.SIGKILL, 0.2), (signal.SIGKILL, 0.85), (signal.SIGTERM, 0.2)],
    ids=["SIGKILL-early", "SIGKILL-late", "SIGTERM"],
)
def test_stop_and_resume_fetches_nothing_twice(
    tmp_path: Path, stop_signal: signal.Signals, share: float
) -> None:
    """SIGKILL leaves a WARC file open mid-crawl; SIGTERM lets Scrapy close the run as "shutdown". Whatever
    the run captured, with any status (redirects and 404s too), is not fetched again by --resume."""
    collection = tmp_path / "stopped"
    with start_site_model() as model:
        args = crawl_args(
            collection, model.proxy_url, "-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False"
        )
        stop_after = int(share * len(model.site.crawlable_paths()))
        process = subprocess.Popen([sys.executable, "-m", "archive", *args], cwd=REPO)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(model.requests) < stop_after and process.poll() is None:
            time.sleep(0.05)
        assert process.poll() is None, "the crawl ended before it could be stopped"
        process.send_signal(stop_signal)
        process.wait(timeout=60)
        archived_first = archived_urls(collection)
        assert archived_first, "the stopped run had archived something"
        left_open = list((collection / "archive").glob("*.open"))
        assert bool(left_open) == (stop_signal == signal.SIGKILL)
        model.clear_requests()
        cli(*crawl_args(collection, model.proxy_url, "--resume"))
        after = Counter(r.url for r in model.requests if not r.url.endswith("/robots.txt"))
    again = archived_first & set(after)
    assert not again, f"fetched again after the stop: {sorted(again)}"
    assert not list((collection / "archive").glob("*.open"))
    for path in (collection / "archive").glob("*.warc.gz"):
        result = subprocess.run(
            [str(Path(sys.executable).with_name("warcio")), "check", str(path)], check=False
        )
        assert result.returncode == 0
    conn = sqlite3.connect(collection / "archive.db")
    in_db = conn.execute("select count(*) from warc_records").fetchone()[0]
    on_disk = 0
    for path in (collection / "archive").glob("*.warc.gz"):
        with path.open("rb") as stream:
            on_disk += sum(1 for _ in ArchiveIterator(stream))
    assert in_db == on_disk


def test_a_second_crawl_of_a_locked_collection_is_refused(tmp_path: Path) -> None:
    collection = tmp_path / "locked"
    with CollectionLock(collection):
        result = cli(
            "crawl", "--collection", str(collection), "--start-url", "http://127.0.0.1:9/", check=False
        )
    assert result.returncode != 0
    assert "in use" in result.stderr


def test_a_crawl_that_cannot_write_warc_files_stops_and_fails(tmp_path: Path) -> None:
    collection = tmp_path / "unwritable"
    with start_site_model() as model:
        result = cli(
            *crawl_args(collection, model.proxy_url, "-s", "WARC_PREFIX=no/such/folder"), check=False
        )
        served = len(model.requests)
    assert result.returncode != 0
    assert "WARC files could not be written" in result.stderr
    assert served < 10, "the crawl went on fetching without archiving"


def test_a_setting_without_a_value_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("crawl", "--collection", str(tmp_path / "c"), "-s", "DOWNLOAD_DELAY", check=False)
    assert result.returncode == 2 and "NAME=VALUE" in result.stderr
