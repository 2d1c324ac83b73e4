"""End to end: crawl the site model over loopback, then check the WARC files, the database and the seed."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ORIGIN, SEED_URL, CrawledCollection, cli

pytestmark = pytest.mark.e2e


def _records(path: Path) -> list[dict]:
    """Every record of a WARC file as plain values, read with warcio."""
    rows = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            http = record.http_headers
            rows.append(
                {
                    "type": record.rec_type,
                    "headers": dict(record.rec_headers.headers),
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "status": int(http.get_statuscode()) if http and record.rec_type == "response" else None,
                    "http": http.headers if http else [],
                    "statusline": http.statusline if http else None,
                    "protocol": http.protocol if http else None,
                    "body": record.content_stream().read(),
                }
            )
    return rows


@pytest.fixture(scope="module")
def records(crawled: CrawledCollection) -> list[dict]:
    assert crawled.warc_files, crawled.output.stdout + crawled.output.stderr
    return [row for path in crawled.warc_files for row in _records(path)]


def _responses(records: list[dict]) -> dict[str, list[dict]]:
    by_url: dict[str, list[dict]] = {}
    for row in records:
        if row["type"] == "response":
            by_url.setdefault(row["uri"], []).append(row)
    return by_url


def test_every_warc_file_passes_warcio_check(crawled: CrawledCollection) -> None:
    warcio = Path(sys.executable).with_name("warcio")
    for path in crawled.warc_files:
        result = subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    assert not list((crawled.path / "archive").glob("*.open")), "a WARC file was left open"


def test_each_file_starts_with_warcinfo_and_records_carry_digests(crawled: CrawledCollection) -> None:
    for path in crawled.warc_files:
        rows = _records(path)
        assert rows[0]["type"] == "warcinfo"
        info = rows[0]["body"].decode("utf-8")
        assert "run-id:" in info and "spider: minzu" in info and "seeds:" in info
        for row in rows[1:]:
            assert "WARC-Warcinfo-ID" in row["headers"]
            if row["type"] == "response":
                assert row["headers"]["WARC-Payload-Digest"].startswith("sha1:")
                assert row["headers"]["WARC-Block-Digest"].startswith("sha1:")
                assert row["headers"]["WARC-IP-Address"] == crawled.model.host


def test_gzip_member_per_record(crawled: CrawledCollection) -> None:
    """Each record is its own gzip member, so a record can be read at its offset with a plain seek."""
    path = crawled.warc_files[0]
    with path.open("rb") as stream:
        offsets = []
        iterator = ArchiveIterator(stream)
        for record in iterator:
            record.content_stream().read()
            offsets.append(iterator.get_record_offset())
    raw = path.read_bytes()
    for offset in offsets[:20]:
        assert raw[offset : offset + 2] == b"\x1f\x8b"
        assert gzip.decompress(raw[offset:])[:9] == b"WARC/1.1\r"


def test_robots_redirects_and_errors_are_recorded(records: list[dict], crawled: CrawledCollection) -> None:
    responses = _responses(records)
    assert ORIGIN + "/robots.txt" in responses
    statuses = {row["status"] for rows in responses.values() for row in rows}
    assert {200, 301, 404, 500} <= statuses
    redirect = [r for rows in responses.values() for r in rows if r["status"] == 301]
    assert any("?" in r["uri"] for r in redirect), "the 301 from the old query-string URL"
    requests = [row for row in records if row["type"] == "request"]
    old = [r for r in requests if "?" in r["uri"]]
    assert old and all(urlsplit(r["uri"]).query in r["statusline"] for r in old)


def test_transient_500_is_retried_and_both_answers_archived(records: list[dict]) -> None:
    responses = _responses(records)
    retried = [url for url, rows in responses.items() if {500, 200} <= {r["status"] for r in rows}]
    assert retried


def test_no_stale_transfer_encoding_and_encoded_bodies_kept(records: list[dict]) -> None:
    gzipped = 0
    for row in records:
        if row["type"] != "response":
            continue
        names = {name.lower() for name, _ in row["http"]}
        assert "transfer-encoding" not in names
        if any(n.lower() == "content-encoding" and v == "gzip" for n, v in row["http"]):
            gzipped += 1
    assert gzipped > 10


def test_accept_encoding_excludes_br_and_zstd(records: list[dict]) -> None:
    for row in records:
        if row["type"] == "request":
            values = [v for n, v in row["http"] if n.lower() == "accept-encoding"]
            assert values == ["gzip, deflate"]


def test_scope_robots_and_private_addresses_respected(crawled: CrawledCollection) -> None:
    seen = [urlsplit(request.url) for request in crawled.model.requests]
    assert seen
    assert all(parts.hostname == "www.56-china.com.cn" for parts in seen)
    assert not any(parts.path.startswith("/admin") for parts in seen)


def test_every_page_image_and_attachment_captured(records: list[dict], crawled: CrawledCollection) -> None:
    captured = {url for url, rows in _responses(records).items() if any(r["status"] == 200 for r in rows)}
    missing = [p for p in crawled.model.site.crawlable_paths() if ORIGIN + quote(p) not in captured]
    assert not missing


def test_non_ascii_path_is_percent_encoded(records: list[dict]) -> None:
    uris = {row["uri"] for row in records if row["type"] == "response"}
    assert all(uri.isascii() for uri in uris)
    assert any("%E4%B8%93%E9%A2%98" in uri for uri in uris)


def test_calendar_trap_walk_ends_after_a_run_of_empty_months(crawled: CrawledCollection) -> None:
    """Each calendar page links a month back and a month on, for ever. With no hop count, the walk goes on
    while months list articles and stops after ARCHIVE_TRAP_EMPTY_DATE_PAGES empty months in a row."""
    from crawler.resilience import DEFAULTS

    allowed_empty = DEFAULTS["ARCHIVE_TRAP_EMPTY_DATE_PAGES"]
    months = sorted({r.url.rsplit("/", 1)[1][:7] for r in crawled.model.requests if "/calendar/" in r.url})
    assert months, "the crawl never reached the calendar"
    with_articles = {a.date[:7] for a in crawled.model.site.articles}
    empty_run = longest = 0
    for month in months:
        empty_run = 0 if month in with_articles else empty_run + 1
        longest = max(longest, empty_run)
    assert 0 < longest <= allowed_empty  # it did meet empty months, and stopped there
    assert any(month in with_articles for month in months)
    assert len(months) < 10 * (allowed_empty + 1)


def test_database_matches_the_warc_files(crawled: CrawledCollection, records: list[dict]) -> None:
    import sqlite3

    conn = sqlite3.connect(crawled.db_path)
    captures = conn.execute("select count(*) from captures where record_type = 'response'").fetchone()[0]
    assert captures == sum(1 for row in records if row["type"] == "response")
    articles = conn.execute("select count(distinct url) from articles where status = 'ok'").fetchone()[0]
    assert articles >= len(crawled.model.site.articles)


def test_show_json_of_the_seed_matches_the_gold(crawled: CrawledCollection, gold: dict) -> None:
    shown = json.loads(cli("show", str(crawled.db_path), SEED_URL, "--json").stdout)
    assert shown["url"] == SEED_URL
    assert shown["title"] == gold["title"]
    assert shown["published"] == gold["date_published"]
    assert shown["section"] == gold["section"]
    assert shown["breadcrumb"] == gold["breadcrumb"]
    assert shown["text"].split("\n") == gold["body_paragraphs"]
    assert [image["caption"] for image in shown["images"]] == gold["image_captions"]
    subscription = [b for b in shown["boilerplate"] if b["kind"] == "subscription"]
    assert len(subscription) == 1
    assert subscription[0]["text"].split("\n") == gold["boilerplate_subscription_paragraphs"]
    assert "欢迎订阅" not in shown["text"]
    assert shown["captures"]


def test_search_finds_the_seed_by_a_two_character_word(crawled: CrawledCollection) -> None:
    hits = json.loads(cli("search", str(crawled.db_path), "海西", "--json").stdout)
    assert hits and hits[0]["url"] == SEED_URL


def test_gbk_article_is_decoded(crawled: CrawledCollection) -> None:
    site = crawled.model.site
    article = site.article(site.trouble.gbk_article_id)
    assert article.encoding.lower() != "utf-8"
    shown = json.loads(cli("show", str(crawled.db_path), article.url, "--json").stdout)
    assert shown["title"] == article.title
    assert shown["text"].split("\n") == list(article.paragraphs)
