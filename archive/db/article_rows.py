"""Store one page's :class:`~archive.extract.result.Extraction` as rows.

The article row is keyed by its capture; images, links and boilerplate occurrences are replaced as a
whole for that capture, so storing the same extraction twice leaves the same rows. Boilerplate
blocks are keyed by a digest of their normalized text: a block seen on a thousand pages is one row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archive.db.record_rows import canonical_json
from archive.db.search import index_article, unindex_article
from archive.db.upsert import least, upsert
from archive.extract.result import BoilerplateBlock, Extraction
from archive.extract.site_repeats import KIND as SITE_REPEAT

if TYPE_CHECKING:
    from sqlite_utils import Database


def normalize_block_text(text: str) -> str:
    """Whitespace inside a line collapsed (U+3000 included), blank lines dropped: layout noise such
    as indentation or trailing spaces must not make one block look like two."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def block_id(text: str) -> str:
    """sha1 of the normalized text: the identity of a boilerplate block."""
    return hashlib.sha1(normalize_block_text(text).encode("utf-8")).hexdigest()


def write_extraction(
    db: Database,
    capture_id: str,
    extraction: Extraction,
    *,
    raw_extraction: str | None = None,
    search_shadows: tuple[str, str] | None = None,
) -> None:
    """Upsert the article row and replace its images, links and boilerplate occurrences.

    Ingest stores the extractor's result as it is (``raw_extraction`` NULL); the site-wide pass
    (:mod:`archive.db.site_pass`) stores its cleaned result with the JSON it needs to start again from
    the extractor's. ``search_shadows`` are the indexed forms of title and text if already computed.
    """
    upsert(
        db,
        "articles",
        {
            "capture_id": capture_id,
            "url": extraction.url,
            "status": extraction.status,
            "error": extraction.error,
            "title": extraction.title,
            "published": extraction.published,
            "section": extraction.section,
            "breadcrumb": canonical_json(list(extraction.breadcrumb)),
            "section_headings": canonical_json(list(extraction.section_headings)),
            "text": extraction.text,
            "author": extraction.author,
            "source": extraction.source,
            "editor": extraction.editor,
            "language": extraction.language,
            "extractor": extraction.extractor,
            "extractor_version": extraction.extractor_version,
            "options": canonical_json(extraction.options),
            "rules": canonical_json(extraction.rules),
            "raw_extraction": raw_extraction,
        },
        ["capture_id"],
    )
    for table in ("images", "links", "boilerplate_occurrences"):
        db.execute(f"DELETE FROM {table} WHERE capture_id = ?", [capture_id])
    # One statement per table, not one per row: a page has about 160 links, and each ``execute`` call
    # costs more in Python than SQLite spends on the row.
    conn = db.conn
    conn.executemany(
        "INSERT INTO images (capture_id, position, src, caption, alt) VALUES (?, ?, ?, ?, ?)",
        [
            (capture_id, position, image.src, image.caption, image.alt)
            for position, image in enumerate(extraction.images)
        ],
    )
    conn.executemany(
        "INSERT INTO links (capture_id, position, url, text, rel) VALUES (?, ?, ?, ?, ?)",
        [
            (capture_id, position, link.url, link.text, link.rel)
            for position, link in enumerate(extraction.links)
        ],
    )
    _write_block_occurrences(db, capture_id, extraction.boilerplate)
    if extraction.status == "ok" and extraction.text:
        index_article(db, capture_id, extraction.title, extraction.text, shadows=search_shadows)
    else:
        unindex_article(db, capture_id)


_KIND_MERGE = f"""CASE
    WHEN excluded.kind = '{SITE_REPEAT}' THEN boilerplate_blocks.kind
    WHEN boilerplate_blocks.kind = '{SITE_REPEAT}' THEN excluded.kind
    ELSE {least("boilerplate_blocks", "kind")} END"""


_BLOCK_UPSERT = (
    "INSERT INTO boilerplate_blocks (block_id, kind, text) VALUES (?, ?, ?) "
    f"ON CONFLICT (block_id) DO UPDATE SET kind = {_KIND_MERGE}, text = excluded.text"
)


def _write_block_occurrences(db: Database, capture_id: str, blocks: Sequence[BoilerplateBlock]) -> None:
    blocks_rows: list[tuple[str, str, str]] = []
    occurrence_rows: list[tuple[str, int, str]] = []
    for position, block in enumerate(blocks):
        text = normalize_block_text(block.text)
        if not text:
            continue
        identity = block_id(text)
        blocks_rows.append((identity, block.kind, text))
        occurrence_rows.append((capture_id, position, identity))
    # One text, one row; should two pages label the same text differently, the smallest label wins
    # so that the result does not depend on which page was ingested first. The site-wide pass's label
    # only names a text no extractor labelled: the pass reruns, and its runs of lines come and go.
    conn = db.conn
    conn.executemany(_BLOCK_UPSERT, blocks_rows)
    conn.executemany(
        "INSERT INTO boilerplate_occurrences (capture_id, position, block_id) VALUES (?, ?, ?)",
        occurrence_rows,
    )
