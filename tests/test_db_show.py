"""``show`` and ``summary``: what the CLI prints about one URL and about the whole archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive.db.ingest import ingest_warc_file
from archive.db.schema import open_archive
from archive.db.show import show_url, summary
from tests.test_db_warcs import (
    IMAGE_URL,
    JPEG_BYTES,
    MISSING_URL,
    SEED_GOLD,
    SEED_URL,
    WarcFileBuilder,
    build_site_warcs,
    seed_page,
)


@pytest.fixture()
def archive_db(tmp_path: Path) -> Database:
    db = open_archive(tmp_path / "a.db")
    for path in build_site_warcs(tmp_path):
        ingest_warc_file(db, path)
    return db


def test_show_seed_article(archive_db: Database) -> None:
    shown = show_url(archive_db, SEED_URL)
    assert shown is not None
    json.dumps(shown, ensure_ascii=False)  # the CLI prints it as JSON
    assert shown["title"] == SEED_GOLD["title"]
    assert shown["published"] == "2018-05-18"
    assert shown["section"] == "示范创建" and shown["breadcrumb"] == ["首页", "示范创建"]
    assert SEED_GOLD["body_paragraphs"][0] in shown["text"] and "欢迎订阅" not in shown["text"]
    assert IMAGE_URL in [image["src"] for image in shown["images"]]
    assert all(set(image) == {"src", "caption"} for image in shown["images"])
    subscription = [block for block in shown["boilerplate"] if block["text"].startswith("欢迎订阅")]
    assert len(subscription) == 1 and "订阅下载" in subscription[0]["text"]
    [capture] = shown["captures"]
    assert capture["http_status"] == 200 and capture["mime_type"] == "text/html"
    assert capture["warc_filename"] == "run-00000.warc.gz" and capture["fetched_at"] == "2024-01-15T08:00:01Z"
    assert capture["record_id"] == shown["capture_id"] and capture["payload_digest"].startswith("sha1:")


def test_show_uses_latest_ok_capture_and_lists_all(archive_db: Database, tmp_path: Path) -> None:
    later = WarcFileBuilder(tmp_path / "run2-00000.warc.gz", run_id="run-2", date="2024-06-01T00:00:00Z")
    edited = seed_page().replace("创建,永远在路上".encode(), "创建,一直在路上".encode())
    later.exchange(SEED_URL, edited, date="2024-06-01T00:00:01Z")
    later.exchange(SEED_URL, b"", status="500 Internal Server Error", date="2024-06-02T00:00:01Z")
    ingest_warc_file(archive_db, later.close())
    shown = show_url(archive_db, SEED_URL)
    assert shown["title"].startswith("创建,一直在路上")
    assert [c["fetched_at"] for c in shown["captures"]] == [
        "2024-01-15T08:00:01Z",
        "2024-06-01T00:00:01Z",
        "2024-06-02T00:00:01Z",
    ]
    latest = archive_db.execute("SELECT status FROM latest_captures WHERE url = ?", [SEED_URL]).fetchone()
    assert latest == (500,)


def test_show_error_page_and_unknown_url(archive_db: Database) -> None:
    shown = show_url(archive_db, MISSING_URL)
    assert shown["title"] is None and shown["article_status"] is None
    assert [c["http_status"] for c in shown["captures"]] == [404]
    assert show_url(archive_db, "https://www.56-china.com.cn/never.html") is None


def test_summary_counts(archive_db: Database) -> None:
    totals = summary(archive_db)
    assert totals["captures"] == 5
    assert totals["html_urls"] == 4  # seed, second article, home, the 404 page
    assert totals["articles"] >= 2
    assert totals["image_urls"] == 1
    assert totals["errors"] == 1
    assert totals["runs"] == 1 and totals["warc_files"] == 2 and totals["records"] == 13
    html_bytes = archive_db.execute(
        "SELECT sum(content_length) FROM captures WHERE mime_type = 'text/html'"
    ).fetchone()[0]
    assert totals["payload_bytes"] == html_bytes + len(JPEG_BYTES)
    on_disk = archive_db.execute("SELECT sum(warc_length) FROM warc_records").fetchone()[0]
    assert totals["warc_bytes"] == on_disk > 0
