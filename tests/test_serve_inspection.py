"""What serve tells Datasette about an archive before serving it (archive.serve.inspection): counts
that stop at their time limit even for a plain count(*), small tables first, and the work done in a
thread while Datasette is imported."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.db.schema import connect
from archive.serve import inspection
from archive.serve.inspection import count_rows, inspect_archive, inspect_in_background

BIG_ROWS = 3_000_000  # a count(*) of these takes tens of milliseconds: far over the limits below


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A big table named to sort first, small ones, and tables of the search index."""
    path = tmp_path_factory.mktemp("inspect") / "archive.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        f"""
        CREATE TABLE aaa_big (n INTEGER);
        INSERT INTO aaa_big
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BIG_ROWS}) SELECT i FROM n;
        CREATE TABLE articles (capture_id TEXT, title TEXT);
        INSERT INTO articles VALUES ('<urn:uuid:1>', '海西'), ('<urn:uuid:2>', '民族');
        CREATE TABLE warcinfo (record_id TEXT);
        INSERT INTO warcinfo VALUES ('<urn:uuid:3>');
        CREATE TABLE search_docs (capture_id TEXT);
        INSERT INTO search_docs VALUES ('<urn:uuid:1>');
        CREATE TABLE search_stale (doc INTEGER);
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content = '');
        """
    )
    conn.close()
    return path


def test_a_plain_count_stops_at_its_limit(archive_file: Path) -> None:
    """count(*) is one step of SQLite's machine: a progress handler never gets to stop it."""
    conn = connect(archive_file, readonly=True)
    try:
        assert count_rows(conn, "aaa_big", 0.002) is None
        assert count_rows(conn, "articles", 0.002) == 2  # the connection works after an interrupt
        assert count_rows(conn, "aaa_big", 30.0) == BIG_ROWS
    finally:
        conn.close()


def test_small_tables_are_counted_before_a_big_one_uses_the_budget(
    archive_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inspection, "COUNT_BUDGET_MS", 5)
    tables = inspect_archive(archive_file)["tables"]
    assert tables["aaa_big"]["count"] is None
    assert (tables["articles"]["count"], tables["warcinfo"]["count"], tables["search_docs"]["count"]) == (
        2,
        1,
        1,
    )
    # the search index's own tables and virtual tables are never counted
    assert tables["search_stale"]["count"] is None and tables["articles_fts"]["count"] is None


def test_counts_within_the_limits_are_exact(archive_file: Path) -> None:
    data = inspect_archive(archive_file)
    assert data["hash"] is None and data["size"] == archive_file.stat().st_size
    assert data["tables"]["articles"]["count"] == 2


def test_the_background_inspection_gives_the_same_or_its_error(archive_file: Path, tmp_path: Path) -> None:
    assert inspect_in_background(archive_file).result(timeout=30)["tables"]["warcinfo"] == {"count": 1}
    with pytest.raises(sqlite3.OperationalError):
        inspect_in_background(tmp_path / "missing.db").result(timeout=30)
