"""The archive's articles as JSON Lines: one article per line, the newest good capture of each URL.

What counts as an article: the newest extraction of a URL (view ``latest_articles``, which prefers an
``ok`` one, so a later failed fetch never hides an article) whose page kind is ``article`` or
``undated`` and that has a title and text. Listings (channel pages, calendars), short stubs and failed
extractions are left out, even when the extractor marked them ``ok``: they stay in the database, where
``show`` explains them.

The output is a pure function of the WARC records: lines sorted by URL, keys in a fixed order,
no wall-clock time and no database ids. ``captured`` is the capture's WARC-Date, which a live and a
rebuilt archive share, so the two export byte for byte the same file.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database


FIELDS = ("url", "title", "published", "section", "breadcrumb", "author", "text", "images", "captured")

EXPORTED_KINDS = ("article", "undated")

_LATEST_ARTICLES = f"""
    SELECT l.capture_id, l.url, l.title, l.published, l.section, a.breadcrumb, l.author, a.text, l.fetched_at
    FROM latest_articles l JOIN articles a ON a.capture_id = l.capture_id
    WHERE l.page_kind IN ({", ".join(repr(kind) for kind in EXPORTED_KINDS)})
      AND coalesce(l.title, '') <> '' AND coalesce(a.text, '') <> ''
    ORDER BY l.url, l.fetched_at, l.capture_id"""


def iter_article_records(db: Database | sqlite3.Connection) -> list[dict[str, Any]]:
    """The exported articles as dicts with keys in :data:`FIELDS` order."""
    records = []
    for row in db.execute(_LATEST_ARTICLES).fetchall():
        capture_id, url, title, published, section, breadcrumb, author, text, fetched_at = row
        images = [
            {"src": src, "caption": caption}
            for src, caption in db.execute(
                "SELECT src, caption FROM images WHERE capture_id = ? ORDER BY position", [capture_id]
            ).fetchall()
        ]
        values = {
            "url": url,
            "title": title,
            "published": published,
            "section": section,
            "breadcrumb": json.loads(breadcrumb or "[]"),
            "author": author,
            "text": text,
            "images": images,
            "captured": fetched_at,
        }
        records.append({key: values[key] for key in FIELDS})
    return records


def export_articles_jsonl(db: Database | sqlite3.Connection, out: TextIO) -> int:
    """Write one JSON object per article to ``out`` (UTF-8 text, Chinese unescaped); return how many.

    Every line has every key of :data:`FIELDS` (null or empty when the page lacks the value), so
    a consumer sees one schema.
    """
    count = 0
    for record in iter_article_records(db):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
