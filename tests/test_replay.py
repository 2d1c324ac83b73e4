"""Offline replay: the spider crawls the `crawled` fixture's WARC files, not the site, into a new collection."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.warc.check import check_warc
from archive.warc.reader import iter_records
from tests.conftest import ORIGIN, REPO, SEED_URL, CrawledCollection

REPLAY = "from cli.commands.warc_tools import replay; replay(prog_name='minzu-archive replay')"


def _dead_port() -> int:
    """A loopback port nobody listens on: any request that tried to go live would fail there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def replayed(crawled: CrawledCollection, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    collection = tmp_path_factory.mktemp("replayed")
    served_before = len(crawled.model.requests)
    env = {**os.environ, "http_proxy": f"http://127.0.0.1:{_dead_port()}", "no_proxy": ""}
    env["HTTP_PROXY"] = env["http_proxy"]
    result = subprocess.run(
        [sys.executable, "-c", REPLAY, str(crawled.path / "archive"), "--collection", str(collection)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(crawled.model.requests) == served_before, "the replay reached the site model"
    return collection, result.stdout


def _articles(db_path: Path) -> dict[str, tuple]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select url, title, published, section, text from articles where status = 'ok' order by url"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _responses(paths: list[Path]) -> dict[str, list]:
    found: dict[str, list] = {}
    for path in paths:
        for _, record in iter_records(path):
            if record.rec_type == "response":
                found.setdefault(record.rec_headers.get_header("WARC-Target-URI"), []).append(record)
    return found


def test_every_request_answered_from_the_archive(replayed) -> None:
    _, output = replayed
    assert "replay/misses    0" in output
    hits = int(output.split("replay/hits", 1)[1].split()[0])
    assert hits > 50


def test_same_articles_and_identical_seed_text(crawled: CrawledCollection, replayed) -> None:
    collection, _ = replayed
    live, again = _articles(crawled.db_path), _articles(collection / "archive.db")
    assert set(again) == set(live)
    assert len(live) >= len(crawled.model.site.articles) - 1
    assert again[SEED_URL] == live[SEED_URL]
    assert "创建,永远在路上" in again[SEED_URL][0]


def test_new_warc_files_hold_the_same_bytes(crawled: CrawledCollection, replayed) -> None:
    """The replayed body is handed over still gzip-encoded, so the new record's payload digest is the old one."""
    collection, _ = replayed
    new_files = sorted((collection / "archive").glob("*.warc.gz"))
    assert new_files and all(check_warc(path).ok for path in new_files)
    old, new = _responses(crawled.warc_files), _responses(new_files)
    assert ORIGIN + "/robots.txt" in new
    [seed] = new[SEED_URL]
    assert seed.http_headers.get_header("Content-Encoding") == "gzip"
    digest = seed.rec_headers.get_header("WARC-Payload-Digest")
    assert digest == old[SEED_URL][-1].rec_headers.get_header("WARC-Payload-Digest")
    assert seed.rec_headers.get_header("WARC-IP-Address") == crawled.model.host
    redirects = [url for url, records in new.items() if records[-1].http_headers.get_statuscode() == "301"]
    assert redirects and all(url in old for url in redirects)
    assert set(new) <= set(old)
