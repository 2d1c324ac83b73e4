"""`search` and `show` on a crawled archive: ranking, recall, boilerplate, filters, JSON and CSV output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from archive.db.cjk import shadow_text
from archive.db.migrations import applied_versions, migrate
from archive.db.schema import REGISTRY, open_archive
from archive.db.search import search
from archive.extract.result import LinkRef
from cli.commands.reading import search as search_command
from exports.cells import safe_cell
from tests.conftest import SEED_URL, CrawledCollection, cli
from tests.test_db_search import add_article


def search_json(db_path: Path, *args: str) -> list[dict]:
    return json.loads(cli("search", str(db_path), *args, "--json").stdout)


@pytest.mark.parametrize("query", ["海西", "民族团结进步示范州"])
def test_seed_article_comes_first(crawled: CrawledCollection, query: str) -> None:
    hits = search_json(crawled.db_path, query)
    assert hits[0]["url"] == SEED_URL
    assert "【" + query + "】" in hits[0]["snippet"]
    text = cli("search", str(crawled.db_path), query).stdout
    assert text.splitlines()[1].strip() == SEED_URL  # the plain listing shows the seed first too


def test_every_article_containing_the_query_is_found(crawled: CrawledCollection) -> None:
    db = open_archive(crawled.db_path, readonly=True)
    rows = db.execute(
        "SELECT a.url, a.title, a.text FROM latest_articles p JOIN articles a ON a.capture_id = p.capture_id "
        "WHERE p.page_kind IN ('article', 'undated', 'short')"
    ).fetchall()
    assert len(rows) >= 40
    for query in ("海西", "民族团结", "示范州", "团结进步", "石榴", "草原", "延边", "工作纪实"):
        expected = {url for url, title, text in rows if query in (title or "") or query in (text or "")}
        found = {hit["url"] for hit in search_json(crawled.db_path, query, "--limit", "1000")}
        assert found == expected, query
        assert expected, query


def test_boilerplate_is_not_searched(crawled: CrawledCollection) -> None:
    db = open_archive(crawled.db_path, readonly=True)
    pages_with_block = db.execute(
        "SELECT count(DISTINCT url) FROM boilerplate_pages b JOIN boilerplate_blocks k USING (block_id) "
        "WHERE k.text LIKE '%订阅%'"
    ).fetchone()[0]
    assert pages_with_block >= 40  # the subscription block ends every article...
    hits = search_json(crawled.db_path, "订阅", "--limit", "1000")
    assert len(hits) < 5  # ...yet only pages whose own text mentions it are found
    for hit in hits:
        text = db.execute("SELECT title || text FROM articles WHERE capture_id = ?", [hit["capture_id"]])
        assert "订阅" in text.fetchone()[0]


def test_section_and_date_filters(crawled: CrawledCollection) -> None:
    everything = search_json(crawled.db_path, "民族", "--limit", "1000")
    in_section = search_json(crawled.db_path, "民族", "--section", "示范创建", "--limit", "1000")
    assert 0 < len(in_section) < len(everything)
    assert {hit["section"] for hit in in_section} == {"示范创建"}
    dated = search_json(
        crawled.db_path, "民族", "--since", "2018-01-01", "--until", "2020-12", "--limit", "1000"
    )
    assert 0 < len(dated) < len(everything)
    assert all("2018-01-01" <= hit["published"][:10] <= "2020-12-31" for hit in dated)
    assert SEED_URL in {hit["url"] for hit in dated}
    assert search_json(crawled.db_path, "海西", "--until", "2018-05-17") == []


def test_csv_output_round_trips(crawled: CrawledCollection) -> None:
    out = cli("search", str(crawled.db_path), "民族团结进步示范州", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    as_json = search_json(crawled.db_path, "民族团结进步示范州")
    assert [row["url"] for row in rows] == [hit["url"] for hit in as_json]
    assert rows[0]["url"] == SEED_URL and rows[0]["published"] == "2018-05-18"
    assert list(rows[0]) == [
        "url",
        "title",
        "published",
        "section",
        "page_kind",
        "score",
        "snippet",
        "capture_id",
    ]


def test_show_points_to_history(crawled: CrawledCollection) -> None:
    out = cli("show", str(crawled.db_path), SEED_URL).stdout
    assert f"capture: minzu-archive history {crawled.db_path} {SEED_URL}" in out
    shown = json.loads(cli("show", str(crawled.db_path), SEED_URL, "--json").stdout)
    assert shown["history_command"] == f"minzu-archive history {crawled.db_path} {SEED_URL}"


def test_safe_cell_neutralises_formulas() -> None:
    for risky in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("海西") == "海西" and safe_cell(None) == "" and safe_cell(-1.5) == -1.5


def test_csv_output_is_safe_against_formula_injection(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    add_article(db, 1, '=HYPERLINK("http://evil.example","海西")', ["海西的故事。"], published="2020-01-01")
    add_article(db, 2, "@海西", ["-海西的故事。"], section="+cmd", published="2020-01-02")
    db.close()
    result = CliRunner().invoke(search_command, [str(tmp_path / "a.db"), "海西", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {row["title"] for row in rows} == {'\'=HYPERLINK("http://evil.example","海西")', "'@海西"}
    assert [row["section"] for row in rows if row["title"] == "'@海西"] == ["'+cmd"]
    for row in rows:
        assert not any(str(cell).startswith(("=", "+", "-", "@")) for cell in row.values())


def test_listing_pages_only_on_request_and_last(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    titles = [f"海西纪事之{n}" for n in range(5)]
    add_article(
        db,
        1,
        "示范创建",
        [*titles, "上一页 下一页"],
        published="2021-01-01",
        links=[
            LinkRef(f"https://www.56-china.com.cn/show-case-{n}.html", t, "body")
            for n, t in enumerate(titles)
        ],
    )
    add_article(db, 2, "草原", ["海西一瞥。" * 30], published="2019-01-01")
    add_article(db, 3, "无日期", ["海西一瞥。" * 30])
    assert [hit.page_kind for hit in search(db, "海西")] == ["article", "undated"]
    hits = search(db, "海西", include_listings=True)
    assert [hit.page_kind for hit in hits] == ["article", "undated", "listing"]
    assert hits[-1].url.endswith("show-case-1.html")
    result = CliRunner().invoke(search_command, [str(tmp_path / "a.db"), "海西", "--all-pages", "--json"])
    assert [hit["page_kind"] for hit in json.loads(result.output)] == ["article", "undated", "listing"]


def test_reading_views_answer_the_common_questions(crawled: CrawledCollection) -> None:
    db = open_archive(crawled.db_path, readonly=True)
    kinds = dict(db.execute("SELECT page_kind, count(*) FROM latest_articles GROUP BY page_kind").fetchall())
    assert kinds["article"] == 40  # the site model's forty articles, and nothing else
    per_month = db.execute("SELECT section, month, articles FROM articles_per_section_month").fetchall()
    assert sum(count for _, _, count in per_month) == 40
    assert ("示范创建", "2018-05", 1) in per_month
    [latest] = db.execute("SELECT record_id FROM latest_captures WHERE url = ?", [SEED_URL]).fetchall()
    images = db.execute(
        "SELECT src, image_capture_id, image_mime_type FROM article_images WHERE capture_id = ?", [latest[0]]
    ).fetchall()
    assert len(images) == 2 and all(capture and mime == "image/jpeg" for _, capture, mime in images)
    subscription_pages = db.execute(
        "SELECT count(DISTINCT url) FROM boilerplate_pages WHERE kind = 'subscription'"
    ).fetchone()[0]
    assert subscription_pages >= 40
    history = db.execute(
        "SELECT http_status, title FROM capture_history WHERE url = ?", [SEED_URL]
    ).fetchall()
    assert history == [(200, latest_title(db))]


def latest_title(db: Database) -> str:
    return db.execute("SELECT title FROM latest_articles WHERE url = ?", [SEED_URL]).fetchone()[0]


def test_an_older_archive_is_upgraded_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrate(old, REGISTRY.ordered()[:3])  # as built before the reading views existed
    # Rows as the code of that time wrote them (today's writer knows columns added since).
    old.execute(
        "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
        " VALUES ('<urn:old>', 'https://www.56-china.com.cn/show-case-1.html', '2024-01-01T00:00:00Z',"
        " 'response', 200, 'old.warc.gz', 0)"
    )
    old.execute(
        "INSERT INTO articles (capture_id, url, status, title, published, text) VALUES"
        " ('<urn:old>', 'https://www.56-china.com.cn/show-case-1.html', 'ok', '海西纪事', '2020-01-01', ?)",
        ["海西的故事。" * 30],
    )
    old.execute(  # as the index of that time held it: one token per character, text stored in the table
        "INSERT INTO articles_fts (rowid, capture_id, title, text) SELECT rowid, capture_id, ?, ? FROM articles",
        [shadow_text("海西纪事"), shadow_text("海西的故事。" * 30)],
    )
    old.conn.commit()
    old.close()
    result = CliRunner().invoke(search_command, [str(path), "海西", "--json"])
    assert result.exit_code == 0, result.output
    assert [hit["title"] for hit in json.loads(result.output)] == ["海西纪事"]
    assert applied_versions(Database(path)) == {migration.version for migration in REGISTRY.ordered()}
