"""Keeping the search index: one article in or out, or every article again.

The index (schema migration 20, docs/schema.md) is:

* ``articles_fts``: a *contentless* FTS5 table over the indexed form of title and text built by
  :mod:`archive.db.cjk` (pairs of CJK characters, boundary tokens at punctuation), rowid = the
  article's rowid, with a one-character prefix index for single-character queries. It stores no
  text: the articles table holds it. ``articles_fts_titles`` is the same for titles alone.
* ``search_docs``: one narrow row per indexed article (rowid = the article's rowid) with what search
  filters and ranks on (URL, capture time, date, section, page kind, title, length), so that neither
  filtering nor choosing the newest capture of a URL reads the wide article rows.
* ``search_stale``: what the index holds for an article whose title, text or status changed since it
  was indexed, kept by triggers on ``articles``: removing a document from a contentless FTS5 table
  takes the very values it was indexed with, and the article row holds the new ones by the time
  :func:`index_article` runs.
* ``search_meta``: the token scheme the index was built with (:data:`INDEX_SCHEME`).

Writers of many articles (a rebuild, the live store) queue the new entries with
:func:`defer_index_writes` after each BEGIN and write them with :func:`stop_deferring_index_writes`
before each commit. FTS5
writes its pending terms out as a new segment whenever the next statement opens a savepoint, and every
record is stored in a savepoint of its own: entries written one by one cost a segment each (about half
of the SQLite time of ingesting a page), entries written together one segment a batch. The queue is a
temporary table, so a record's savepoint rolled back takes its queued entry with it.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from archive.db.cjk import index_text

if TYPE_CHECKING:
    from sqlite_utils import Database

INDEX_SCHEME = f"pairs-1 unicode-{unicodedata.unidata_version}"
"""The token scheme and the Unicode tables it was computed with. A contentless index can only drop a
document given the tokens it was indexed with, so an index built under another scheme is rebuilt."""


def search_shadows(title: str | None, text: str | None) -> tuple[str, str]:
    """The indexed forms of an article's title and text: pure, so ingest workers compute them."""
    return index_text(title), index_text(text)


def index_article(
    db: Database,
    capture_id: str,
    title: str | None,
    text: str | None,
    *,
    shadows: tuple[str, str] | None = None,
) -> None:
    """Put one article into the index (``title`` and ``text`` as just stored in its row), replacing
    what the index held for it. ``shadows`` are :func:`search_shadows` of them when a worker made them.

    An unchanged entry is left alone: FTS5 appends a new segment on every write, so rewriting equal
    content would change the index's bytes and ingesting twice would no longer be a no-op.
    """
    rowid = _article_rowid(db, capture_id)
    indexed = _is_indexed(db, rowid)
    stale = _stale_entry(db, rowid)
    deferring = _deferring(db)
    if indexed and deferring and _unqueue(db, rowid):
        _queue(db, rowid, title, text, shadows)  # queued and changed before it reached the index
    elif not indexed:
        _fts_insert(db, rowid, title, text, shadows, queue=deferring)
    elif stale is not None:
        _fts_delete(db, rowid, *stale)
        _fts_insert(db, rowid, title, text, shadows, queue=deferring)
    db.execute("DELETE FROM search_stale WHERE doc = ?", [rowid])
    _write_doc(db, rowid, capture_id)


def unindex_article(db: Database, capture_id: str) -> None:
    """Remove a capture's entry from the index (it is no longer an ``ok`` article with text)."""
    row = db.execute("SELECT rowid, title, text FROM articles WHERE capture_id = ?", [capture_id]).fetchone()
    if row is None or not _is_indexed(db, row[0]):
        return
    rowid = row[0]
    if not (_deferring(db) and _unqueue(db, rowid)):
        stale = _stale_entry(db, rowid)
        _fts_delete(db, rowid, *(stale if stale is not None else row[1:]))
    db.execute("DELETE FROM search_stale WHERE doc = ?", [rowid])
    db.execute("DELETE FROM search_docs WHERE rowid = ?", [rowid])


def defer_index_writes(db: Database) -> None:
    """Queue new index entries from now on; the caller runs :func:`flush_index_writes` before every
    commit (else a committed article would be marked indexed without being in the index) and
    :func:`stop_deferring_index_writes` at the end."""
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS search_pending "
        "(doc INTEGER PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL)"
    )


def flush_index_writes(db: Database) -> None:
    """Write the queued entries into the index, all in one statement per table (one segment)."""
    if not _deferring(db):
        return
    db.execute(
        "INSERT INTO articles_fts (rowid, title, text) SELECT doc, title, text FROM temp.search_pending"
    )
    db.execute("INSERT INTO articles_fts_titles (rowid, title) SELECT doc, title FROM temp.search_pending")
    db.execute("DELETE FROM temp.search_pending")


def stop_deferring_index_writes(db: Database) -> None:
    """Write what is queued and go back to writing each entry as it comes."""
    if _deferring(db):
        flush_index_writes(db)
        db.execute("DROP TABLE temp.search_pending")


def _deferring(db: Database) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = 'search_pending'"
        ).fetchone()
        is not None
    )


def _queue(
    db: Database, rowid: int, title: str | None, text: str | None, shadows: tuple[str, str] | None
) -> None:
    indexed_title, indexed_text = shadows or search_shadows(title, text)
    db.execute(
        "INSERT INTO temp.search_pending (doc, title, text) VALUES (?, ?, ?)",
        [rowid, indexed_title, indexed_text],
    )


def _unqueue(db: Database, rowid: int) -> bool:
    """Drop a queued entry; True if there was one (the index itself does not hold it yet)."""
    return db.execute("DELETE FROM temp.search_pending WHERE doc = ?", [rowid]).rowcount > 0


def rebuild_index(db: Database) -> int:
    """Index every ``ok`` article with text from scratch (what a rebuild would give); returns how many.

    Used by the migration that introduced this index and when the index was built under another
    :data:`INDEX_SCHEME`.
    """
    if _deferring(db):
        db.execute("DELETE FROM temp.search_pending")  # every entry is written again below
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    db.execute("INSERT INTO articles_fts_titles (articles_fts_titles) VALUES ('delete-all')")
    db.execute("DELETE FROM search_docs")
    db.execute("DELETE FROM search_stale")
    rows = db.execute(
        "SELECT rowid, capture_id, title, text FROM articles "
        "WHERE status = 'ok' AND coalesce(text, '') <> '' ORDER BY rowid"
    )
    count = 0
    for rowid, capture_id, title, text in rows.fetchall():
        _fts_insert(db, rowid, title, text)
        _write_doc(db, rowid, capture_id)
        count += 1
    db.execute("INSERT OR REPLACE INTO search_meta (key, value) VALUES ('scheme', ?)", [INDEX_SCHEME])
    return count


def index_scheme(db: Database) -> str | None:
    row = db.execute("SELECT value FROM search_meta WHERE key = 'scheme'").fetchone()
    return row[0] if row else None


def _fts_insert(
    db: Database,
    rowid: int,
    title: str | None,
    text: str | None,
    shadows: tuple[str, str] | None = None,
    *,
    queue: bool = False,
) -> None:
    if queue:
        _queue(db, rowid, title, text, shadows)
        return
    indexed_title, indexed_text = shadows or search_shadows(title, text)
    db.execute(
        "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
        [rowid, indexed_title, indexed_text],
    )
    db.execute("INSERT INTO articles_fts_titles (rowid, title) VALUES (?, ?)", [rowid, indexed_title])


def _fts_delete(db: Database, rowid: int, title: str | None, text: str | None) -> None:
    indexed_title = index_text(title)
    db.execute(
        "INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
        [rowid, indexed_title, index_text(text)],
    )
    db.execute(
        "INSERT INTO articles_fts_titles (articles_fts_titles, rowid, title) VALUES ('delete', ?, ?)",
        [rowid, indexed_title],
    )


def _is_indexed(db: Database, rowid: int) -> bool:
    return db.execute("SELECT 1 FROM search_docs WHERE rowid = ?", [rowid]).fetchone() is not None


def _stale_entry(db: Database, rowid: int) -> tuple[str | None, str | None] | None:
    row = db.execute("SELECT title, text FROM search_stale WHERE doc = ?", [rowid]).fetchone()
    return (row[0], row[1]) if row else None


_DOC_COLUMNS = ("capture_id", "url", "fetched_at", "published", "section", "page_kind", "title", "text_chars")


def _write_doc(db: Database, rowid: int, capture_id: str) -> None:
    """The article's ``search_docs`` row, from the view that defines page kinds (written only if it
    changed, so that storing an article twice leaves the file as it was)."""
    doc = db.execute(
        f"SELECT {', '.join(_DOC_COLUMNS)} FROM article_pages WHERE capture_id = ?", [capture_id]
    ).fetchone()
    if doc is None:  # no capture row: indexed for SQL clients, but of no kind that search() returns
        doc = db.execute(
            "SELECT capture_id, url, NULL, published, section, 'uncaptured', title, length(text) FROM articles "
            "WHERE capture_id = ?",
            [capture_id],
        ).fetchone()
    stored = db.execute(
        f"SELECT {', '.join(_DOC_COLUMNS)} FROM search_docs WHERE rowid = ?", [rowid]
    ).fetchone()
    if stored == doc:
        return
    db.execute(
        f"INSERT OR REPLACE INTO search_docs (rowid, {', '.join(_DOC_COLUMNS)}) VALUES (?{', ?' * len(_DOC_COLUMNS)})",
        [rowid, *doc],
    )


def _article_rowid(db: Database, capture_id: str) -> int:
    row = db.execute("SELECT rowid FROM articles WHERE capture_id = ?", [capture_id]).fetchone()
    if row is None:
        raise KeyError(f"no article row for capture {capture_id}")
    return row[0]


def index_entries(db: Database) -> list[tuple[str | None, str, int, str]]:
    """Every token the index holds as (capture id, column, position, token), sorted: what two archives'
    indexes are compared by (their segment bytes depend on the history of writes, and a contentless
    index gives no text back). Read through a temporary ``fts5vocab`` table, so the archive itself
    carries none: counting its rows would walk every token.
    """
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.articles_fts_tokens USING fts5vocab(main, articles_fts, instance)"
    )
    return db.execute(
        "SELECT a.capture_id, v.col, v.offset, v.term FROM temp.articles_fts_tokens v "
        "LEFT JOIN articles a ON a.rowid = v.doc ORDER BY a.capture_id, v.col, v.offset"
    ).fetchall()
