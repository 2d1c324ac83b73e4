"""The link index is built once at the end of a rebuild into an empty archive, and never missing for
long: a stopped rebuild builds it on the way out, a killed one on the archive's next writable open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import archive.rebuild as rebuild_module
from archive.db.bulk_indexes import BULK_INDEXES
from archive.db.schema import open_archive
from archive.rebuild import rebuild
from tests.conftest import CrawledCollection


def has_link_index(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'idx_links_url'")
    return found.fetchone() is not None


def link_plan(conn: sqlite3.Connection) -> str:
    rows = conn.execute("EXPLAIN QUERY PLAN SELECT capture_id FROM links WHERE url = ?", ["x"]).fetchall()
    return " ".join(str(row[-1]) for row in rows)


@pytest.fixture
def index_during_ingest(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the link index existed when each rebuild started ingesting."""
    seen: list[bool] = []
    real = rebuild_module.ingest_then_site_pass

    def spy(db: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(has_link_index(db.conn))
        return real(db, *args, **kwargs)

    monkeypatch.setattr(rebuild_module, "ingest_then_site_pass", spy)
    return seen


def test_a_rebuild_into_an_empty_archive_builds_the_link_index_at_its_end(
    crawled: CrawledCollection, tmp_path: Path, index_during_ingest: list[bool]
) -> None:
    db_path = tmp_path / "a.db"
    rebuild(crawled.warc_files, db_path, workers=2)
    rebuild(crawled.warc_files, db_path, workers=2)  # the archive has links now: the index stays
    assert index_during_ingest == [False, True]
    conn = sqlite3.connect(db_path)
    assert has_link_index(conn) and "idx_links_url" in link_plan(conn)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)  # the index matches its table
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] > 0


def test_a_stopped_rebuild_builds_the_index_on_its_way_out(
    crawled: CrawledCollection, tmp_path: Path
) -> None:
    db_path = tmp_path / "stopped.db"

    def stop(_bytes: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild(crawled.warc_files, db_path, workers=2, progress=stop)
    assert has_link_index(sqlite3.connect(db_path))


def test_an_archive_a_killed_rebuild_left_without_the_index_gets_it_back_on_a_writable_open(
    crawled: CrawledCollection, tmp_path: Path
) -> None:
    db_path = tmp_path / "killed.db"
    rebuild(crawled.warc_files, db_path, workers=0)
    conn = sqlite3.connect(db_path)
    target = conn.execute("SELECT url FROM links ORDER BY url LIMIT 1").fetchone()[0]
    linking = conn.execute("SELECT count(*) FROM links WHERE url = ?", [target]).fetchone()[0]
    conn.execute("DROP INDEX idx_links_url")  # as a rebuild killed before its end leaves it
    conn.commit()
    readonly = open_archive(db_path, readonly=True)  # readers answer the same, without the index
    assert readonly.execute("SELECT count(*) FROM links WHERE url = ?", [target]).fetchone()[0] == linking
    assert not has_link_index(readonly.conn)
    readonly.close()
    open_archive(db_path).close()
    conn = sqlite3.connect(db_path)
    assert has_link_index(conn) and "idx_links_url" in link_plan(conn)
    assert conn.execute("SELECT count(*) FROM links WHERE url = ?", [target]).fetchone()[0] == linking


def test_the_bulk_index_statements_match_the_schema(tmp_path: Path) -> None:
    """The statement that builds an index again is the one the schema created it with."""
    conn = sqlite3.connect(tmp_path / "fresh.db")
    open_archive(tmp_path / "fresh.db").close()
    for name, statement in BULK_INDEXES.items():
        declared = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
        assert statement.replace("IF NOT EXISTS ", "") == declared
