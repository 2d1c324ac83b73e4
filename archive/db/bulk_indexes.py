"""Indexes that a rebuild into an empty archive builds once at its end instead of row by row.

``idx_links_url`` (which pages link to a URL) takes about 160 entries for every page ingested, in
random order of URL. Ingest never reads it, so a rebuild that starts with no links drops it and builds
it again when its pages are in: one sort instead of a random B-tree insert per link, which took about
a tenth of the storing process's CPU on the foreign pages of ``benchmarks.rebuild`` and grows with
the index (docs/benchmarks.md).

A rebuild that is stopped (an exception, Ctrl-C) builds it on the way out. One that is killed leaves
the archive without it, and every writable open (:func:`archive.db.schema.open_archive`) builds what
is missing; until then readers get the same answers, only without the index's speed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

BULK_INDEXES = {"idx_links_url": "CREATE INDEX IF NOT EXISTS idx_links_url ON links(url)"}
"""Name -> the statement that builds it, exactly as the schema's migration declares it."""


def suspend_bulk_indexes(db: Database) -> bool:
    """Drop the bulk indexes if the archive holds no links yet (so that building them later reads
    only what this run adds); True when they were dropped and :func:`restore_bulk_indexes` is due."""
    if db.execute("SELECT 1 FROM links LIMIT 1").fetchone() is not None:
        return False
    with db.conn:
        for name in BULK_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")
    return True


def restore_bulk_indexes(db: Database) -> None:
    """Build whichever bulk index is missing (a no-op when all exist), in a transaction of its own."""
    if db.conn.in_transaction:
        db.conn.commit()
    with db.conn:
        for statement in BULK_INDEXES.values():
            db.execute(statement)
