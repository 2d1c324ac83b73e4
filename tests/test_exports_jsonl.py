"""JSON Lines export: the newest good article of each URL, stable bytes, readable Chinese."""

from __future__ import annotations

import io
import json
from pathlib import Path

from archive.db.ingest import ingest_warc_file
from archive.db.schema import open_archive
from exports.jsonl import FIELDS, export_articles_jsonl
from tests.test_db_warcs import (
    HOME_URL,
    MISSING_URL,
    SECOND_TITLE,
    SECOND_URL,
    SEED_GOLD,
    SEED_URL,
    WarcFileBuilder,
    article_html,
    build_site_warcs,
    seed_sections,
)


def export(db) -> tuple[int, str]:
    out = io.StringIO()
    count = export_articles_jsonl(db, out)
    return count, out.getvalue()


def build(db_path: Path, warcs: list[Path]):
    db = open_archive(db_path)
    for path in warcs:
        ingest_warc_file(db, path)
    return db


def test_one_line_per_article_in_url_order_with_fixed_keys(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db", build_site_warcs(tmp_path))
    count, text = export(db)
    lines = text.splitlines()
    expected = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT url FROM article_pages WHERE page_kind IN ('article', 'undated')"
            " AND title <> '' ORDER BY url"
        )
    ]
    assert count == len(lines) == len(expected) >= 2 and text.endswith("\n")
    assert HOME_URL not in expected  # the home page is a short stub, not an article
    records = {r["url"]: r for r in map(json.loads, lines)}
    assert list(records) == expected and {SEED_URL, SECOND_URL} <= set(records)
    assert all(tuple(r) == FIELDS for r in records.values())
    seed = records[SEED_URL]
    assert seed["title"] == SEED_GOLD["title"] and seed["published"] == "2018-05-18"
    assert seed["captured"] == "2024-01-15T08:00:01Z"
    assert seed["images"] and all(set(image) == {"src", "caption"} for image in seed["images"])
    assert "欢迎订阅" not in seed["text"]
    # Chinese stays readable; a 404 page is not an article.
    assert SECOND_TITLE in text and "\\u" not in text
    assert MISSING_URL not in text


def test_newest_good_capture_wins_and_a_later_failure_does_not_hide_it(tmp_path: Path) -> None:
    paths = build_site_warcs(tmp_path)
    body, subscription = seed_sections()
    later = WarcFileBuilder(tmp_path / "run-00002.warc.gz", run_id="run-2024-02", date="2024-02-01T00:00:00Z")
    later.exchange(
        SECOND_URL,
        article_html(
            "草原上的团结之歌(修订)",
            "2016-03-02",
            "共有家园",
            [line for line in body if not line.endswith(".jpg")][:3],
            subscription,
            [],
        ),
        date="2024-02-01T00:00:01Z",
    )
    later.exchange(SEED_URL, b"<html><body></body></html>", date="2024-02-01T00:00:02Z")
    paths.append(later.close())
    db = build(tmp_path / "a.db", paths)
    records = {r["url"]: r for r in map(json.loads, export(db)[1].splitlines())}
    assert records[SECOND_URL]["title"] == "草原上的团结之歌(修订)"
    assert records[SECOND_URL]["captured"] == "2024-02-01T00:00:01Z"
    assert records[SEED_URL]["title"] == SEED_GOLD["title"]  # the empty later page is not an article


def test_same_bytes_whatever_the_ingest_order(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    paths = build_site_warcs(tmp_path / "w")
    forward = export(build(tmp_path / "f.db", paths))[1]
    backward = export(build(tmp_path / "b.db", list(reversed(paths))))[1]
    assert forward == backward and forward


def test_empty_archive_exports_nothing(tmp_path: Path) -> None:
    assert export(open_archive(tmp_path / "empty.db")) == (0, "")


def test_listings_and_stubs_the_extractor_marked_ok_are_left_out(tmp_path: Path) -> None:
    from archive.db.article_rows import write_extraction
    from archive.extract.result import Extraction, LinkRef

    db = open_archive(tmp_path / "a.db")
    titles = [f"第{n}篇文章的标题，写得相当长的一行" for n in range(12)]
    pages = {
        "article": Extraction(
            url="u:article", title="文章", published="2020-01-01", paragraphs=["正文。" * 60]
        ),
        "undated": Extraction(url="u:undated", title="无日期", paragraphs=["正文。" * 60]),
        "short": Extraction(url="u:short", title="首页", published="2020-01-01", paragraphs=["很短的一页"]),
        "listing": Extraction(
            url="u:listing",
            title="栏目",
            published="2020-01-01",
            paragraphs=titles,
            links=[LinkRef(f"u:{n}", title, "body") for n, title in enumerate(titles)],
        ),
    }
    for offset, (kind, extraction) in enumerate(pages.items()):
        db.execute(
            "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
            " VALUES (?, ?, '2024-01-01T00:00:00Z', 'response', 200, 'a.warc.gz', ?)",
            [kind, extraction.url, offset],
        )
        write_extraction(db, kind, extraction)
    kinds = dict(db.execute("SELECT url, page_kind FROM article_pages").fetchall())
    assert kinds == {page.url: kind for kind, page in pages.items()}
    count, text = export(db)
    assert count == 2 and [json.loads(line)["url"] for line in text.splitlines()] == [
        "u:article",
        "u:undated",
    ]
