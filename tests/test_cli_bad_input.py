"""Every command against bad input, run as a user runs it: one `Error:` line on stderr (two at most, the
second saying what to do), the right exit status (2 for usage errors, 1 for failures), no traceback, and
nothing archived changed or created.

The archive here is built from WARC files written for the test: the seed article, an article whose URL has
a Chinese path, one whose URL is too long to be a file name, a redirect, a 404 and an image.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import REPO, cli
from tests.test_db_warcs import (
    IMAGE_URL,
    JPEG_BYTES,
    SEED_URL,
    SITE,
    WarcFileBuilder,
    article_html,
    seed_page,
    seed_sections,
)

CHINESE_PATH = "/专题/民族团结进步.html"
CHINESE_URL = SITE + quote(CHINESE_PATH)  # as a server sends it: percent-encoded UTF-8
LONG_URL = SITE + quote("/" + "民族团结进步示范" * 15 + ".html")  # 120 characters: 360 bytes as a name
REDIRECT_URL = SITE + "/index.php?m=content&a=show&id=1616"
MISSING_URL = SITE + "/show-case-404.html"


@dataclass(frozen=True)
class Inputs:
    """The archive and the bad files the cases point at; every one is checked unchanged after each case.
    ``new`` is a folder in which a refused command must create nothing."""

    root: Path

    @property
    def paths(self) -> dict[str, Path]:
        names = ("text", "truncated", "newer", "foreign", "empty", "markdown", "new", "newer_collection")
        collection = self.root / "collection"
        return {
            "collection": collection,
            "warcs": collection / "archive",
            "db": collection / "archive.db",
            **{name: self.root / name for name in names},
        }

    def __getattr__(self, name: str) -> Path:
        if name.startswith("_") or name == "root":
            raise AttributeError(name)
        try:
            return self.paths[name]
        except KeyError:
            raise AttributeError(name) from None

    def args(self, template: str) -> list[str]:
        """A case's command line, with {db}, {text}... replaced by the paths above."""
        paths = {name: str(path) for name, path in self.paths.items()}
        return [part.format(**paths) for part in shlex.split(template)]


def _article(title: str, date: str) -> bytes:
    _, subscription = seed_sections()
    body = [f"{title}的第{n}段。民族团结进步是各族人民的生命线。" for n in range(1, 8)]
    return article_html(title, date, "示范创建", body, subscription, [])


def build_warcs(folder: Path) -> Path:
    folder.mkdir(parents=True)
    warc = WarcFileBuilder(folder / "run-00000.warc.gz", date="2024-01-15T08:00:00Z")
    warc.exchange(SEED_URL, seed_page(), date="2024-01-15T08:00:01Z")
    warc.exchange(IMAGE_URL, JPEG_BYTES, content_type="image/jpeg", date="2024-01-15T08:00:02Z")
    warc.exchange(CHINESE_URL, _article("民族团结进步专题", "2019-09-27"), date="2024-01-15T08:00:03Z")
    warc.exchange(LONG_URL, _article("名字很长的一篇文章", "2020-01-02"), date="2024-01-15T08:00:04Z")
    warc.exchange(
        REDIRECT_URL,
        b"",
        status="301 Moved Permanently",
        extra_headers=[("Location", SEED_URL)],
        date="2024-01-15T08:00:05Z",
    )
    warc.exchange(MISSING_URL, b"<html><body>not found</body></html>", status="404 Not Found")
    return warc.close()


def build_inputs(root: Path) -> Inputs:
    """The archive (rebuilt from the WARC files above by the CLI) and the bad files, under ``root``."""
    found = Inputs(root)
    build_warcs(found.warcs)
    cli("rebuild", str(found.warcs), "--db", str(found.db), "--workers", "0", "-q")
    found.text.write_text("not a database\n", encoding="utf-8")
    data = found.db.read_bytes()
    found.truncated.write_bytes(data[: len(data) // 2])
    shutil.copyfile(found.db, found.newer)
    with sqlite3.connect(found.newer) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
    with sqlite3.connect(found.foreign) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('mine')")
    found.empty.mkdir()
    (found.empty / "readme.txt").write_text("no WARC files here\n", encoding="utf-8")
    found.markdown.mkdir()
    (found.markdown / "show-case-1616.md").write_text("my own notes\n", encoding="utf-8")
    found.new.mkdir()
    found.newer_collection.mkdir()
    shutil.copyfile(found.newer, found.newer_collection / "archive.db")
    return found


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    return build_inputs(tmp_path_factory.mktemp("bad-input"))


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a digest of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# (id, command line, exit status, a piece of the error line)
CASES: list[tuple[str, str, int, str]] = [
    # usage errors: exit 2
    ("unknown command", "serch {db} 海西", 2, "No such command"),
    ("unknown option", "search {db} 海西 --sinse 2018", 2, "No such option"),
    ("search: archive missing", "search {new}/a.db 海西", 2, "does not exist"),
    ("search: month 13", "search {db} 海西 --since 2018-13-45", 2, "not a date"),
    ("search: 30 February", "search {db} 海西 --until 2018-02-30", 2, "not a date"),
    ("search: words as date", "search {db} 海西 --since 'last year'", 2, "not a date"),
    ("search: since after until", "search {db} 海西 --since 2020 --until 2019", 2, "after"),
    ("search: limit -1", "search {db} 海西 --limit -1", 2, "--limit"),
    ("search: limit 0", "search {db} 海西 --limit 0", 2, "--limit"),
    ("search: limit not a number", "search {db} 海西 --limit ten", 2, "--limit"),
    ("search: empty query", "search {db} ''", 2, "nothing to search"),
    ("search: only punctuation", "search {db} '，。！ ?'", 2, "nothing to search"),
    ("search: OR", "search {db} '海西 OR 草原'", 2, "OR is not an operator"),
    ("search: json and csv", "search {db} 海西 --json --csv", 2, "one of"),
    ("show: no URL", "show {db}", 2, "Missing argument"),
    ("show: archive is a folder", f"show {{collection}} {SEED_URL}", 2, "is a directory"),
    (
        "crawl: javascript: URL",
        "crawl --collection {new}/c --start-url javascript:alert(1)",
        2,
        "not an http",
    ),
    ("crawl: not a URL", "crawl --collection {new}/c --start-url 'not a url'", 2, "not a URL"),
    ("crawl: no scheme", "crawl --collection {new}/c --start-url www.56-china.com.cn/", 2, "not a URL"),
    ("crawl: ftp://", "crawl --collection {new}/c --start-url ftp://example.com/a", 2, "not an http"),
    ("crawl: file://", "crawl --collection {new}/c --start-url file:///etc/passwd", 2, "not an http"),
    ("crawl: no host", "crawl --collection {new}/c --start-url http:///a.html", 2, "no host"),
    (
        "crawl: bad port",
        "crawl --collection {new}/c --start-url http://example.com:99999/",
        2,
        "does not parse",
    ),
    ("crawl: bad host", "crawl --collection {new}/c --start-url http://exa_mple..com/", 2, "invalid host"),
    ("crawl: max pages 0", "crawl --collection {new}/c --max-pages 0", 2, "--max-pages"),
    ("crawl: depth -1", "crawl --collection {new}/c --depth -1", 2, "--depth"),
    ("crawl: proxy not a URL", "crawl --collection {new}/c --proxy localhost", 2, "--proxy"),
    ("crawl: setting without =", "crawl --collection {new}/c -s DOWNLOAD_DELAY", 2, "NAME=VALUE"),
    (
        "crawl: URL as domain",
        "crawl --collection {new}/c --allowed-domain https://a.cn/",
        2,
        "host name only",
    ),
    ("crawl: collection is a file", "crawl --collection {text}", 2, "is a file"),
    ("demo: site version 3", "demo --collection {new}/d --site-version 3", 2, "--site-version"),
    ("demo: setting without =", "demo --collection {new}/d -s DOWNLOAD_DELAY", 2, "NAME=VALUE"),
    ("export jsonl: folder missing", "export jsonl {db} -o {new}/x/a.jsonl", 2, "does not exist"),
    ("export jsonl: onto the archive", "export jsonl {db} -o {db}", 2, "archive being exported"),
    ("export csv: output is a folder", "export csv {db} -o {empty}", 2, "is a folder"),
    ("export markdown: output is a file", "export markdown {db} -o {text}", 2, "is a file"),
    ("export wacz: folder missing", "export wacz {collection} -o {new}/x/a.wacz", 2, "does not exist"),
    ("export wacz: not .wacz", "export wacz {collection} -o {new}/a.zip", 2, ".wacz"),
    ("rebuild: path missing", "rebuild {new}/warcs --db {new}/a.db", 2, "does not exist"),
    ("rebuild: db folder missing", "rebuild {warcs} --db {new}/x/a.db", 2, "does not exist"),
    ("rebuild: db is a folder", "rebuild {warcs} --db {empty}", 2, "is a folder"),
    ("rebuild: workers -1", "rebuild {warcs} --db {new}/a.db --workers -1", 2, "--workers"),
    ("replay: no collection", "replay {warcs}", 2, "--collection"),
    (
        "replay: javascript: URL",
        "replay {warcs} --collection {new}/r --start-url javascript:x",
        2,
        "not an http",
    ),
    ("serve: port 70000", "serve {db} --port 70000", 2, "--port"),
    ("serve: path without /", "serve {db} --get archive", 2, "must start with /"),
    ("extract: file missing", "extract {new}/page.html", 2, "does not exist"),
    ("extract: bad capture date", "extract {text} --capture-date 2018-02-30", 2, "--capture-date"),
    ("check: file missing", "check {new}/a.warc.gz", 2, "does not exist"),
    # failures: exit 1
    ("search: text file", "search {text} 海西", 1, "not a minzu-archive database"),
    ("search: truncated archive", "search {truncated} 海西", 1, "malformed"),
    ("search: newer schema", "search {newer} 海西", 1, "schema version 999"),
    ("search: another program's db", "search {foreign} 海西", 1, "not a minzu-archive database"),
    ("show: newer schema", f"show {{newer}} {SEED_URL}", 1, "newer than this minzu-archive"),
    ("show: truncated archive", f"show {{truncated}} {SEED_URL}", 1, "malformed"),
    ("show: URL not archived", f"show {{db}} {SITE}/never.html", 1, "not in the archive"),
    ("show: not a URL", "show {db} javascript:alert(1)", 1, "not in the archive"),
    ("history: URL not archived", f"history {{db}} {SITE}/never.html", 1, "not in the archive"),
    ("history: newer schema", f"history {{newer}} {SEED_URL}", 1, "schema version 999"),
    ("export jsonl: newer schema", "export jsonl {newer} -o {new}/a.jsonl", 1, "schema version 999"),
    ("export csv: text file", "export csv {text}", 1, "not a minzu-archive database"),
    ("export markdown: would replace a file", "export markdown {db} -o {markdown}", 1, "would be replaced"),
    ("export wacz: no WARC files", "export wacz {empty} -o {new}/a.wacz", 1, "no WARC files"),
    ("rebuild: db is a text file", "rebuild {warcs} --db {text}", 1, "not a usable minzu-archive database"),
    ("rebuild: db truncated", "rebuild {warcs} --db {truncated} --workers 0", 1, "malformed"),
    ("rebuild: db newer", "rebuild {warcs} --db {newer} --workers 0", 1, "schema version 999"),
    ("rebuild: db of another program", "rebuild {warcs} --db {foreign}", 1, "another program"),
    ("rebuild: folder without WARC files", "rebuild {empty} --db {new}/a.db", 1, "no WARC or ARC files"),
    ("replay: not a WARC file", "replay {text} --collection {new}/r", 1, "not a WARC or ARC file"),
    ("replay: a database as WARC", "replay {db} --collection {new}/r", 1, "not a WARC or ARC file"),
    ("rebuild: not a WARC file", "rebuild {text} --db {new}/a.db", 1, "not a WARC or ARC file"),
    ("serve: page not found", "serve {db} --get /no/such/page", 1, "404"),
    ("serve: newer schema", "serve {newer} --get /", 1, "schema version 999"),
    ("crawl: into a newer archive", "crawl --collection {newer_collection}", 1, "schema version 999"),
    ("demo: into a newer archive", "demo --collection {newer_collection}", 1, "schema version 999"),
    ("check: not a WARC file", "check {text}", 1, ""),
    ("check: a database as WARC", "check {db}", 1, ""),
]


@pytest.mark.parametrize(
    ("command", "status", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_error_line_and_changes_nothing(
    inputs: Inputs, command: str, status: int, message: str
) -> None:
    before = snapshot(inputs.root)
    result = cli(*inputs.args(command), check=False, timeout=120)
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(inputs.root) == before, "a refused command changed or created files"
    if status == 1 and command.startswith("check "):
        assert result.stdout.startswith("FAILED"), result.stdout  # `check` reports in its own format
        assert "not a WARC or ARC file" in result.stdout and result.stderr == ""  # no pages of warcio
        return
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("Error: "), result.stderr
    assert message in lines[0], result.stderr


def test_an_archive_left_by_a_killed_writer_is_recovered_not_refused(inputs: Inputs, tmp_path: Path) -> None:
    """A writer killed mid-transaction leaves a hot journal; SQLite rolls it back on the next write access,
    so the commands must not read the file as "not an archive" (read-only opens cannot roll back)."""
    db = tmp_path / "archive.db"
    shutil.copyfile(inputs.db, db)
    before = snapshot_db(db)
    killed_writer = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA cache_size=1')  # changed pages reach the file before the commit\n"
        "conn.execute('BEGIN')\n"
        "conn.execute(\"UPDATE articles SET text = text || '被改写'\")\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", killed_writer, str(db)], check=False)
    assert Path(f"{db}-journal").exists()
    found = json.loads(cli("search", str(db), "民族团结", "--json").stdout)
    assert found and not Path(f"{db}-journal").exists()
    assert snapshot_db(db) == before  # the unfinished transaction is gone, everything committed is there
    cli("rebuild", str(inputs.warcs), "--db", str(db), "--workers", "0", "-q")


def snapshot_db(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT capture_id, title, text FROM articles ORDER BY capture_id").fetchall()


def test_debug_shows_the_traceback(inputs: Inputs) -> None:
    result = cli("--debug", "search", str(inputs.newer), "海西", check=False)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ArchiveSchemaError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_a_bug_still_shows_its_traceback(inputs: Inputs) -> None:
    """An error nobody planned for is a bug: its traceback is printed (and the exit status is 1)."""
    code = (
        "import sys\n"
        "from cli import errors\n"
        "try:\n"
        "    {}['missing']\n"
        "except KeyError as error:\n"
        "    sys.exit(errors.handle(error))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "bug in minzu-archive" in result.stderr


# --- URLs as people type them ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "archived"),
    [
        (SEED_URL.replace("https:", "http:"), SEED_URL),
        (SEED_URL.replace("www.56-china.com.cn", "WWW.56-China.COM.cn"), SEED_URL),
        (SEED_URL + "#top", SEED_URL),
        (SITE + CHINESE_PATH, CHINESE_URL),
        ("www.56-china.com.cn" + CHINESE_PATH, CHINESE_URL),
    ],
)
def test_show_and_history_find_a_url_as_typed(inputs: Inputs, typed: str, archived: str) -> None:
    shown = cli("show", str(inputs.db), typed, "--json")
    record = json.loads(shown.stdout)
    assert record["url"] == archived and record["requested_url"] == typed
    assert f"Note: showing {archived}, the archived form of {typed}" in shown.stderr
    history = cli("history", str(inputs.db), typed, "--json")
    assert json.loads(history.stdout)["url"] == archived
    assert f"Note: showing {archived}" in history.stderr


def test_the_exact_url_needs_no_note(inputs: Inputs) -> None:
    shown = cli("show", str(inputs.db), SEED_URL)
    assert shown.stderr == "" and SEED_URL in shown.stdout


def test_show_and_history_use_the_same_field_names(inputs: Inputs) -> None:
    shown = json.loads(cli("show", str(inputs.db), SEED_URL, "--json").stdout)
    history = json.loads(cli("history", str(inputs.db), SEED_URL, "--json").stdout)
    shared = set(shown["captures"][0]) & set(history["captures"][0])
    assert {"http_status", "record_id", "record_type", "fetched_at", "warc_filename", "warc_offset"} <= shared
    assert "status" not in shown["captures"][0]


def test_extract_names_the_status_as_show_does(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_article("字段名称", "2021-03-04"))
    report = json.loads(cli("extract", str(page), "--url", SITE + "/a.html", "--json").stdout)
    assert report["article_status"] == "ok" and "status" not in report


def test_show_says_where_a_redirect_goes_and_what_a_404_was(inputs: Inputs) -> None:
    redirect = cli("show", str(inputs.db), REDIRECT_URL).stdout
    assert f"REDIRECT: the site answered 301 on 2024-01-15T08:00:05Z, to {SEED_URL}" in redirect
    assert "(no title)" not in redirect
    assert json.loads(cli("show", str(inputs.db), REDIRECT_URL, "--json").stdout)["redirects_to"] == SEED_URL
    missing = cli("show", str(inputs.db), MISSING_URL).stdout
    assert "No text archived: the site answered 404" in missing and "(no title)" not in missing
    assert "GONE" not in missing  # there is no earlier version to show


def test_markdown_names_fit_the_file_system_and_a_rerun_changes_nothing(
    inputs: Inputs, tmp_path: Path
) -> None:
    out = tmp_path / "md"
    first = cli("export", "markdown", str(inputs.db), "-o", str(out))
    names = sorted(path.name for path in out.iterdir())
    assert len(names) == 3 and "show-case-1616.md" in names and "专题_民族团结进步.md" in names
    assert all(len(name.encode("utf-8")) <= 255 for name in names)
    long_name = next(name for name in names if name.startswith("民族团结进步示范"))
    assert re.search(r"-[0-9a-f]{8}\.md$", long_name)
    before = snapshot(out)
    again = cli("export", "markdown", str(inputs.db), "-o", str(out))  # same content: nothing to refuse
    assert snapshot(out) == before and again.stderr == first.stderr == f"3 articles written to {out}\n"


def test_a_file_export_replaces_its_target_whole(inputs: Inputs, tmp_path: Path) -> None:
    target = tmp_path / "articles.jsonl"
    target.write_text("an older export\n", encoding="utf-8")
    cli("export", "jsonl", str(inputs.db), "-o", str(target))
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(line)["url"].startswith(SITE) for line in lines)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["articles.jsonl"]  # no temporary left


def test_wacz_export_prints_only_its_own_line(inputs: Inputs, tmp_path: Path) -> None:
    out = tmp_path / "a.wacz"
    result = cli("export", "wacz", str(inputs.collection), "-o", str(out))
    assert result.stdout == "" and result.stderr == f"3 pages packaged in {out}\n"
    assert out.stat().st_size > 0 and sorted(p.name for p in tmp_path.iterdir()) == ["a.wacz"]
