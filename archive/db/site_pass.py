"""The site-wide pass that follows ingest: lines repeated across many pages of a host are boilerplate.

A single page cannot tell a copyright line or a recurring notice from article text; the archive can. The
pass reads every stored extraction as the extractor made it (``articles.raw_extraction`` keeps what an
earlier pass changed), moves lines that recur on enough other pages into boilerplate, and rewrites only
the pages whose rows differ from that result. It runs at the end of a live crawl, of a rebuild and of
the catch-up before a crawl, over the whole archive, so its result depends neither on the order records
arrived in nor on the passes that ran before. What a page becomes is decided by the pure functions of
:mod:`archive.extract.site_repeats`; this module reads their input and stores their result.

It runs over the whole archive at the end of every crawl, so its memory must not grow with the archive
(100,000 article versions after years of re-crawls): the pages are streamed twice in chunks of
:data:`CHUNK` rows. The first reading counts, per host, on how many distinct URLs each line appears, in a
temporary table (on disk: SQLite's temporary store) keyed by hashes of line and URL; only the repeated
lines' hashes come back into memory. The second reading decides each page; the images, links and blocks
of a page are read only when it may change (see :func:`archive.extract.site_repeats.may_change`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from archive.db.article_rows import write_extraction
from archive.extract.site_repeats import (
    MIN_OTHER_PAGES,
    PageUpdate,
    StoredPage,
    host_of,
    may_change,
    page_lines,
    page_update,
    paragraphs_need_blocks,
    raw_paragraphs,
)

CHUNK = 500  # article rows held in memory at once
LINE_TABLE = "temp.site_pass_lines"

BLOCKS_SQL = (
    "SELECT o.capture_id, o.position, b.kind, b.text FROM boilerplate_occurrences o "
    "JOIN boilerplate_blocks b ON b.block_id = o.block_id WHERE o.capture_id IN ({}) "
    "ORDER BY o.capture_id, o.position"
)
IMAGES_SQL = "SELECT * FROM images WHERE capture_id IN ({}) ORDER BY capture_id, position"
LINKS_SQL = "SELECT * FROM links WHERE capture_id IN ({}) ORDER BY capture_id, position"


def apply_site_repeats(db: Database, min_other_pages: int = MIN_OTHER_PAGES) -> int:
    """Store the site-wide pass's result where it differs from the rows; returns how many pages changed.

    Boilerplate blocks no page links to any more (an earlier pass's run of lines that has since grown)
    are deleted, as a rebuild would never have made them.
    """
    changed = 0
    with db.conn:
        for capture_id, update in site_updates(db, min_other_pages):
            write_extraction(db, capture_id, update.extraction, raw_extraction=update.raw_extraction)
            changed += 1
        db.execute(
            "DELETE FROM boilerplate_blocks WHERE block_id NOT IN (SELECT block_id FROM boilerplate_occurrences)"
        )
    return changed


def reextract_site(db: Database, min_other_pages: int = MIN_OTHER_PAGES) -> dict[str, PageUpdate]:
    """The pass's result for the archive's pages: what to store, by capture id, for every page whose
    rows differ from it. Nothing is written here; the whole result is held in memory (for inspection
    and tests: :func:`apply_site_repeats` streams it)."""
    return dict(site_updates(db, min_other_pages))


def site_updates(db: Database, min_other_pages: int = MIN_OTHER_PAGES) -> Iterator[tuple[str, PageUpdate]]:
    """(capture id, update) for every page the pass changes, in capture id order.

    Each chunk of pages is read completely before its updates are yielded, so the caller may write them
    (to those pages' rows) before asking for the next chunk.
    """
    hosts: dict[str, int] = {}
    repeated = _repeated_line_hashes(db, hosts, min_other_pages)

    def repeated_in(row: dict[str, Any], blocks: list[dict[str, Any]]) -> frozenset[str]:
        host = hosts.get(host_of(row["url"]))
        lines = page_lines(raw_paragraphs(row, blocks))
        return frozenset(line for line in lines if (host, hash(line)) in repeated)

    for rows in _article_chunks(db):
        # A page cleaned by an old pass keeps some of its lines in its blocks: always read in full.
        candidates = [
            row for row in rows if paragraphs_need_blocks(row) or may_change(row, bool(repeated_in(row, [])))
        ]
        if not candidates:
            continue
        ids = [row["capture_id"] for row in candidates]
        blocks, images, links = (_grouped(db, sql, ids) for sql in (BLOCKS_SQL, IMAGES_SQL, LINKS_SQL))
        for row in candidates:
            capture = row["capture_id"]
            page = StoredPage(row, images.get(capture, []), links.get(capture, []), blocks.get(capture, []))
            update = page_update(page, repeated_in(row, page.blocks))
            if update is not None:
                yield capture, update


def _article_chunks(db: Database) -> Iterator[list[dict[str, Any]]]:
    """Every article row, in capture id order, :data:`CHUNK` rows at a time (each chunk read whole)."""
    last = ""
    while True:
        rows = list(
            db.query("SELECT * FROM articles WHERE capture_id > ? ORDER BY capture_id LIMIT ?", [last, CHUNK])
        )
        if not rows:
            return
        yield rows
        last = rows[-1]["capture_id"]


def _repeated_line_hashes(db: Database, hosts: dict[str, int], min_other_pages: int) -> set[tuple[int, int]]:
    """(host number, hash of line) of the lines found on more than ``min_other_pages`` distinct URLs of
    their host, with the same counting as :func:`archive.extract.site_repeats.repeated_lines`: a text
    seen before on the host (a re-crawl, an alias URL) is not counted again. Fills ``hosts`` with the
    number given to each host. Hashes are Python's own, valid within this process only."""
    db.execute(f"DROP TABLE IF EXISTS {LINE_TABLE}")
    db.execute(
        f"CREATE TABLE {LINE_TABLE} (host INTEGER, line INTEGER, url INTEGER, PRIMARY KEY (host, line, url))"
        " WITHOUT ROWID"
    )
    texts_seen: set[int] = set()
    for rows in _article_chunks(db):
        legacy = [row["capture_id"] for row in rows if paragraphs_need_blocks(row)]
        blocks = _grouped(db, BLOCKS_SQL, legacy) if legacy else {}
        entries: list[tuple[int, int, int]] = []
        for row in rows:
            lines = page_lines(raw_paragraphs(row, blocks.get(row["capture_id"], [])))
            host = hosts.setdefault(host_of(row["url"]), len(hosts))
            text_key = hash((host, "\n".join(lines)))
            if text_key in texts_seen:
                continue
            texts_seen.add(text_key)
            url = hash(row["url"])
            entries.extend((host, hash(line), url) for line in set(lines))
        db.conn.executemany(f"INSERT OR IGNORE INTO {LINE_TABLE} VALUES (?, ?, ?)", entries)
    repeated = {
        (host, line)
        for host, line in db.execute(
            f"SELECT host, line FROM {LINE_TABLE} GROUP BY host, line HAVING count(*) > ?", [min_other_pages]
        ).fetchall()
    }
    db.execute(f"DROP TABLE {LINE_TABLE}")
    return repeated


def _grouped(db: Database, sql: str, capture_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in db.query(sql.format(", ".join("?" * len(capture_ids))), capture_ids):
        grouped[row["capture_id"]].append(row)
    return grouped
