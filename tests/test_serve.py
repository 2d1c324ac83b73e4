"""`serve --get`: Datasette over the crawled archive, read-only, with CJK search, facets and canned queries."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import click
import pytest
from click.testing import CliRunner

from archive.serve.metadata import TITLE
from cli.commands.serve import serve
from cli.main import cli as main_cli
from tests.conftest import REPO, SEED_URL, CrawledCollection
from tests.test_browser import SERVE, free_port, wait_until_up


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class ServedArchive:
    """`serve` running as its own process on loopback, its log (stderr) going to a file."""

    def __init__(self, db_path: Path, log_dir: Path) -> None:
        self.port = free_port()
        self.prefix = f"/{db_path.stem}"
        self.log_path = log_dir / "serve.log"
        self._log = self.log_path.open("w")
        command = [sys.executable, "-c", SERVE, str(db_path), "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=self._log)
        wait_until_up(f"http://127.0.0.1:{self.port}/-/versions.json", self.process)

    def request(self, method: str, path: str) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, self.prefix + path, body=b"a=1" if method in ("POST", "PUT") else None)
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def stop(self) -> str:
        """Stop the server and return what it logged."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self._log.close()
        return self.log_path.read_text(encoding="utf-8")


@pytest.fixture()
def served_process(crawled: CrawledCollection) -> Iterator[ServedArchive]:
    with tempfile.TemporaryDirectory() as log_dir:
        served = ServedArchive(crawled.db_path, Path(log_dir))
        try:
            yield served
        finally:
            served.stop()


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
    listed = set(main_cli.list_commands(click.Context(main_cli)))  # the group loads commands lazily
    assert {"search", "show", "history", "serve", "export", "report"} <= listed


def test_canned_search_and_cli_search_are_built_by_one_function() -> None:
    from archive.db.search import ranked_search_sql
    from archive.serve.metadata import SEARCH_SQL

    cli_sql = ranked_search_sql(match=":expression", query=":query", columns="*", limit=":limit")
    canned_sql = ranked_search_sql(match="cjk_query(:q)", query=":q", columns="*", limit="100")
    # Only the parameters differ: the filters, the one-hit-per-URL rule and the ranking are shared.
    assert (
        cli_sql.replace(":expression", "cjk_query(:q)").replace(":query", ":q").replace(":limit", "100")
    ) == canned_sql
    assert SEARCH_SQL.rsplit("\nSELECT ", 1)[0] == canned_sql.rsplit("\nSELECT ", 1)[0]
    assert SEARCH_SQL.rsplit("\nFROM (\n", 1)[1] == canned_sql.rsplit("\nFROM (\n", 1)[1]


def test_bad_and_write_requests_get_a_short_answer_and_one_log_line(served_process: ServedArchive) -> None:
    requests = [
        ("POST", "/articles", 405),  # Datasette alone: 500 "You may only POST to a canned query"
        ("POST", "/search?q=x", 405),  # Datasette alone: 500 from a read-only canned query
        ("PUT", "/articles.json", 405),
        ("GET", "/no_such_table", 404),
        ("GET", ".json?sql=" + quote("select x from nowhere"), 400),
        ("GET", "/search.json?q=" + quote("海西") + "&_shape=array", 200),
    ]
    for method, path, status in requests:
        answer = served_process.request(method, path)
        assert answer.status == status, (method, path, answer.body[:300])
        if status == 405:
            assert answer.headers["Allow"] == "GET, HEAD"
        if status >= 400:
            assert len(answer.body) < 1000 and b"Traceback" not in answer.body
    log = served_process.stop()
    assert "Traceback" not in log and "show_locals" not in log
    errors = [line for line in log.splitlines() if not line.startswith("Serving ")]
    assert len(errors) == 5, log  # one line per failed request, none for the search that worked
    assert any("POST" in line and "405" in line for line in errors)


SLOW_SQL = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


def test_a_quick_query_answers_while_slow_ones_run(served_process: ServedArchive) -> None:
    finished: list[str] = []
    answers: dict[str, Answer] = {}

    def fetch(label: str, sql: str) -> None:
        answers[label] = served_process.request("GET", ".json?sql=" + quote(sql))
        finished.append(label)

    slow = [threading.Thread(target=fetch, args=(f"slow-{n}", SLOW_SQL)) for n in range(6)]
    for thread in slow:
        thread.start()
    time.sleep(0.3)  # let the slow queries reach the server's threads (a third of the time limit)
    quick = threading.Thread(target=fetch, args=("quick", "select 1 AS one"))
    quick.start()
    for thread in [*slow, quick]:
        thread.join(timeout=60)
    assert sorted(finished) == sorted(["quick", *(f"slow-{n}" for n in range(6))])
    assert finished[0] == "quick", finished  # it did not queue behind the six slow ones
    assert json.loads(answers["quick"].body)["rows"] == [[1]]
    for n in range(6):  # every slow query was stopped by the time limit, with a short answer
        answer = answers[f"slow-{n}"]
        assert answer.status == 400 and b"took too long" in answer.body and len(answer.body) < 1000


def test_table_search_lists_the_newest_matches_and_says_how_many_match(
    crawled: CrawledCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archive.serve import plugin

    name = crawled.db_path.stem
    path = f"/{name}/articles.json?_search={quote('民族')}&_shape=objects"
    everything = get_json(crawled.db_path, path)
    assert everything["filtered_table_rows_count"] > 3
    monkeypatch.setattr(plugin, "SEARCH_BOX_WINDOW", 3)
    bounded = get_json(crawled.db_path, path)
    assert bounded["filtered_table_rows_count"] == 3
    assert (
        f"the newest 3 of the {everything['filtered_table_rows_count']} rows that match"
        in bounded["human_description_en"]
    )
    from archive.db.schema import open_archive

    newest = open_archive(crawled.db_path, readonly=True).execute(
        "SELECT a.capture_id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH cjk_query('民族') ORDER BY articles_fts.rowid DESC LIMIT 3"
    )
    assert {row["capture_id"] for row in bounded["rows"]} == {row[0] for row in newest.fetchall()}
