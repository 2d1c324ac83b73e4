"""The site-wide pass that follows ingest: lines repeated across many pages of a host are boilerplate.

A single page cannot tell a copyright line or a recurring notice from article text; the archive can. The
pass reads every stored extraction, moves lines that recur on enough other pages into boilerplate, and
rewrites only the pages that change. It runs at the end of a live crawl and of a rebuild, over the whole
archive, so its result does not depend on the order records arrived in.
"""

from __future__ import annotations

from sqlite_utils import Database

from archive.db.article_rows import write_extraction
from archive.extract.site_repeats import reextract_site


def apply_site_repeats(db: Database) -> int:
    """Re-extract the pages the site-wide pass changes; returns how many changed."""
    changed = reextract_site(db)
    with db.conn:
        for capture_id, extraction in sorted(changed.items()):
            write_extraction(db, capture_id, extraction)
    return len(changed)
