"""Schema and migrations: a new archive, a re-open, an upgrade in place, read-only access."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive.db.migrations import applied_versions, migrate
from archive.db.schema import REGISTRY, ArchiveSchemaError, open_archive

TABLES = {
    "schema_migrations",
    "warc_records",
    "warcinfo",
    "crawl_runs",
    "requests",
    "captures",
    "articles",
    "images",
    "links",
    "boilerplate_blocks",
    "boilerplate_occurrences",
    "ingest_problems",
    "articles_fts",
    "revisit_schedule",
}
# Every registered version: the numbers have gaps (each line of work is given its own range).
ALL_VERSIONS = {migration.version for migration in REGISTRY.ordered()}
VIEWS = {
    "warc_files",
    "latest_captures",
    "article_images",
    "boilerplate_pages",
    "article_pages",
    "latest_articles",
    "articles_per_section_month",
    "capture_history",
}


def index_columns(db: Database) -> set[tuple[str, str]]:
    found = set()
    for table in db.table_names():
        for index in db[table].indexes:
            found.add((table, ",".join(index.columns)))
    return found


def test_new_archive_has_every_table_view_and_index(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    assert TABLES <= set(db.table_names())
    assert set(db.view_names()) == VIEWS
    assert applied_versions(db) == ALL_VERSIONS
    wanted = {
        ("captures", "url"),
        ("captures", "fetched_at"),
        ("captures", "payload_digest"),
        ("articles", "url"),
        ("articles", "published"),
        ("articles", "section"),
    }
    assert wanted <= index_columns(db)


def test_reopen_runs_no_migration(tmp_path: Path) -> None:
    open_archive(tmp_path / "a.db").close()
    db = open_archive(tmp_path / "a.db")
    assert migrate(db, REGISTRY.ordered()) == []
    assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(ALL_VERSIONS)


def test_older_archive_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    assert migrate(old, REGISTRY.ordered()[:1]) == [1]
    old.execute("INSERT INTO crawl_runs (run_id, spider) VALUES ('r1', 'minzu')")
    old.conn.commit()
    assert "latest_captures" not in old.view_names()
    old.close()

    db = open_archive(path)
    assert applied_versions(db) == ALL_VERSIONS
    assert VIEWS <= set(db.view_names()) and "articles_fts" in db.table_names()
    assert db.execute("SELECT spider FROM crawl_runs WHERE run_id = 'r1'").fetchone() == ("minzu",)


def test_readonly_archive_refuses_writes(tmp_path: Path) -> None:
    open_archive(tmp_path / "a.db").close()
    db = open_archive(tmp_path / "a.db", readonly=True)
    assert db.execute("SELECT cjk_query('海西')").fetchone() == ('"海西"',)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("INSERT INTO crawl_runs (run_id) VALUES ('x')")


def test_readonly_open_of_an_old_archive_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrate(old, REGISTRY.ordered()[:1])
    old.close()
    with pytest.raises(ArchiveSchemaError):
        open_archive(path, readonly=True)


def test_duplicate_migration_version_is_refused() -> None:
    with pytest.raises(ValueError):
        REGISTRY.register(1, "again")(lambda db: None)


# The two ways to open an archive for reading: a sqlite-utils Database, and the plain sqlite3 connection
# the read commands use (archive.db.readonly). They check and upgrade alike.
READ_OPENERS = ["archive.db.schema:open_for_reading", "archive.db.readonly:open_readonly"]


def read_opener(spec: str):
    from importlib import import_module

    module, _, name = spec.partition(":")
    return getattr(import_module(module), name)


@pytest.mark.parametrize("opener", READ_OPENERS)
@pytest.mark.parametrize("kind", ["empty", "foreign", "not sqlite", "no migrations listed"])
def test_reading_refuses_a_file_that_is_not_an_archive_and_leaves_it_alone(
    tmp_path: Path, kind: str, opener: str
) -> None:
    open_for_reading = read_opener(opener)
    path = tmp_path / "other.db"
    if kind == "empty":
        path.touch()
    elif kind == "not sqlite":
        path.write_bytes(b"just some text, not a database\n" * 10)
    else:
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        if kind == "no migrations listed":
            other.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        other.commit()
        other.close()
    before = path.read_bytes()
    with pytest.raises(ArchiveSchemaError, match="is not a minzu-archive database"):
        open_for_reading(path)
    assert path.read_bytes() == before


def test_reading_commands_report_a_foreign_database_clearly(tmp_path: Path) -> None:
    from tests.conftest import cli

    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    other.commit()
    other.close()
    for args in (["search", str(path), "海西"], ["export", "jsonl", str(path)], ["history", str(path), "x"]):
        result = cli(*args, check=False)
        assert result.returncode == 1 and "is not a minzu-archive database" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


@pytest.mark.parametrize("opener", READ_OPENERS)
def test_reading_still_upgrades_an_older_archive(tmp_path: Path, opener: str) -> None:
    open_for_reading = read_opener(opener)
    path = tmp_path / "old.db"
    old = Database(path)
    migrate(old, REGISTRY.ordered()[:4])
    old.close()
    db = open_for_reading(path)
    assert applied_versions(db) == ALL_VERSIONS
