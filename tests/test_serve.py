"""`serve --get`: Datasette over the crawled archive, read-only, with CJK search, facets and canned queries."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

from click.testing import CliRunner

from archive.serve.metadata import TITLE
from cli.commands.serve import serve
from cli.main import cli as main_cli
from tests.conftest import SEED_URL, CrawledCollection


def get(db_path: Path, path: str) -> str:
    result = CliRunner().invoke(serve, [str(db_path), "--get", path])
    assert result.exit_code == 0, result.output
    return result.output


def get_json(db_path: Path, path: str) -> object:
    return json.loads(get(db_path, path))


def canned(db_path: Path, name: str, **params: str) -> list[dict]:
    query = urlencode({**params, "_shape": "array"})
    return get_json(db_path, f"/{db_path.stem}/{name}.json?{query}")


def test_search_query_finds_the_seed_first(crawled: CrawledCollection) -> None:
    for query in ("海西", "民族团结进步示范州"):
        rows = canned(crawled.db_path, "search", q=query)
        assert rows[0]["url"] == SEED_URL
        assert "【" + query + "】" in rows[0]["snippet"]
    # The same order as the CLI's search (one ranking, two front ends).
    from archive.db.schema import open_archive
    from archive.db.search import search

    db = open_archive(crawled.db_path, readonly=True)
    assert [row["url"] for row in canned(crawled.db_path, "search", q="民族团结")] == [
        hit.url for hit in search(db, "民族团结", limit=100)
    ]
    assert canned(crawled.db_path, "search", q="") == []


def test_table_search_box_understands_chinese(crawled: CrawledCollection) -> None:
    path = f"/{crawled.db_path.stem}/articles.json?_search={quote('海西')}&_shape=objects&_facet=section"
    found = get_json(crawled.db_path, path)
    urls = {row["url"] for row in found["rows"]}
    assert SEED_URL in urls
    assert all("海西" in (row["title"] or "") + (row["text"] or "") for row in found["rows"])


def test_facets_are_configured(crawled: CrawledCollection) -> None:
    name = crawled.db_path.stem
    articles = get_json(crawled.db_path, f"/{name}/articles.json?_shape=objects")
    assert {"section", "published", "status"} <= set(articles["facet_results"])
    sections = {item["value"] for item in articles["facet_results"]["section"]["results"]}
    assert "示范创建" in sections
    captures = get_json(crawled.db_path, f"/{name}/captures.json?_shape=objects")
    mime_types = {item["value"] for item in captures["facet_results"]["mime_type"]["results"]}
    assert {"text/html", "image/jpeg"} <= mime_types


def test_section_and_captures_queries(crawled: CrawledCollection) -> None:
    rows = canned(crawled.db_path, "section_articles", section="示范创建", since="2018", until="2018-12")
    assert SEED_URL in [row["url"] for row in rows]
    assert all("2018-01-01" <= row["published"] <= "2018-12-31" for row in rows)
    everything = canned(crawled.db_path, "section_articles", section="示范创建", since="", until="")
    assert len(everything) > len(rows)
    captures = canned(crawled.db_path, "url_captures", url=SEED_URL)
    assert (
        captures and captures[0]["http_status"] == 200 and captures[0]["warc_filename"].endswith(".warc.gz")
    )


def test_title_and_read_only(crawled: CrawledCollection) -> None:
    assert TITLE in get(crawled.db_path, "/")
    [database] = [
        d for d in get_json(crawled.db_path, "/-/databases.json") if d["name"] == crawled.db_path.stem
    ]
    assert database["is_mutable"] is False
    result = CliRunner().invoke(serve, [str(crawled.db_path), "--get", "/nowhere-at-all"])
    assert result.exit_code == 1


def test_commands_are_registered_in_the_cli() -> None:
    assert {"search", "show", "history", "serve", "export"} <= set(main_cli.commands)


def test_canned_search_and_cli_search_are_built_by_one_function() -> None:
    from archive.db.search import ranked_search_sql
    from archive.serve.metadata import SEARCH_SQL

    cli_sql = ranked_search_sql(match=":expression", query=":query", columns="*", limit=":limit")
    canned_sql = ranked_search_sql(match="cjk_query(:q)", query=":q", columns="*", limit="100")
    # Only the parameters differ: the filters, the one-hit-per-URL rule and the ranking are shared.
    assert cli_sql.replace(":expression", "cjk_query(:q)").replace(":query", ":q").replace(
        ":limit", "100"
    ) == (canned_sql)
    assert SEARCH_SQL.split("FROM newest")[1] == canned_sql.split("FROM newest")[1]
    assert SEARCH_SQL.rsplit("\nSELECT ", 1)[0] == canned_sql.rsplit("\nSELECT ", 1)[0]
