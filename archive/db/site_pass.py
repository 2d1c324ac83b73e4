"""The site-wide pass that follows ingest: lines repeated across many pages of a host are boilerplate.

A single page cannot tell a copyright line or a recurring notice from article text; the archive can. The
pass reads every stored extraction as the extractor made it (``articles.raw_extraction`` keeps what an
earlier pass changed), moves lines that recur on enough other pages into boilerplate, and rewrites only
the pages whose rows differ from that result. It runs at the end of a live crawl, of a rebuild and of
the catch-up before a crawl, over the whole archive, so its result depends neither on the order records
arrived in nor on the passes that ran before.
"""

from __future__ import annotations

from sqlite_utils import Database

from archive.db.article_rows import write_extraction
from archive.extract.site_repeats import reextract_site


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
