"""The site-wide pass that follows ingest: lines repeated across many pages of a host are boilerplate.

A single page cannot tell a copyright line or a recurring notice from article text; the archive can. The
pass reads every stored extraction as the extractor made it (``articles.raw_extraction`` keeps what an
earlier pass changed), moves lines that recur on enough other pages into boilerplate, and rewrites only
the pages whose rows differ from that result. It runs at the end of a live crawl, of a rebuild and of
the catch-up before a crawl, over the whole archive, so its result depends neither on the order records
arrived in nor on the passes that ran before. The pass itself is a pure function
(:func:`archive.extract.site_repeats.site_pass`); this module reads its input and stores its result.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from archive.db.article_rows import write_extraction
from archive.extract.site_repeats import MIN_OTHER_PAGES, PageUpdate, StoredPage, site_pass


def apply_site_repeats(db: Database) -> int:
    """Store the site-wide pass's result where it differs from the rows; returns how many pages changed.

    Boilerplate blocks no page links to any more (an earlier pass's run of lines that has since grown)
    are deleted, as a rebuild would never have made them.
    """
    changed = reextract_site(db)
    with db.conn:
        for capture_id, update in sorted(changed.items()):
            write_extraction(db, capture_id, update.extraction, raw_extraction=update.raw_extraction)
        db.execute(
            "DELETE FROM boilerplate_blocks WHERE block_id NOT IN (SELECT block_id FROM boilerplate_occurrences)"
        )
    return len(changed)


def reextract_site(db: Database, min_other_pages: int = MIN_OTHER_PAGES) -> dict[str, PageUpdate]:
    """The pass's result for the archive's pages (see :func:`archive.extract.site_repeats.site_pass`):
    what to store, by capture id, for every page whose rows differ from it. Nothing is written here."""
    blocks = _grouped(
        db,
        "SELECT o.capture_id, o.position, b.kind, b.text FROM boilerplate_occurrences o "
        "JOIN boilerplate_blocks b ON b.block_id = o.block_id ORDER BY o.capture_id, o.position",
    )
    images = _grouped(db, "SELECT * FROM images ORDER BY capture_id, position")
    links = _grouped(db, "SELECT * FROM links ORDER BY capture_id, position")
    pages = (
        StoredPage(
            row,
            images.get(row["capture_id"], []),
            links.get(row["capture_id"], []),
            blocks.get(row["capture_id"], []),
        )
        for row in db.query("SELECT * FROM articles ORDER BY capture_id")
    )
    return site_pass(pages, min_other_pages)


def _grouped(db: Database, sql: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in db.query(sql):
        grouped[row["capture_id"]].append(row)
    return grouped
