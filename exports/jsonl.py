"""The archive's articles as JSON Lines: one article per line, the newest good capture of each URL.

What counts as an article: an ``articles`` row whose extraction status is ``ok`` and that has a
title and text. Listings, stubs and failed extractions are left out (they stay in the database,
where ``show`` explains them). Of several such captures of one URL the newest is exported (ties
broken by record id), so a later failed fetch never hides an article.

The output is a pure function of the WARC records: lines sorted by URL, keys in a fixed order,
no wall-clock time and no database ids. ``captured`` is the capture's WARC-Date, which a live and a
rebuilt archive share, so the two export byte for byte the same file.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from sqlite_utils import Database

FIELDS = ("url", "title", "published", "section", "breadcrumb", "author", "text", "images", "captured")

_LATEST_ARTICLES = """
    SELECT capture_id, url, title, published, section, breadcrumb, author, text, fetched_at FROM (
        SELECT a.capture_id, a.url, a.title, a.published, a.section, a.breadcrumb, a.author, a.text,
               c.fetched_at,
               row_number() OVER (
                   PARTITION BY a.url ORDER BY c.fetched_at DESC, a.capture_id DESC) AS version_rank
        FROM articles a JOIN captures c ON c.record_id = a.capture_id
        WHERE a.status = 'ok' AND coalesce(a.title, '') <> '' AND coalesce(a.text, '') <> '')
    WHERE version_rank = 1
    ORDER BY url, fetched_at, capture_id"""


def iter_article_records(db: Database) -> list[dict[str, Any]]:
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


def export_articles_jsonl(db: Database, out: TextIO) -> int:
    """Write one JSON object per article to ``out`` (UTF-8 text, Chinese unescaped); return how many.

    Every line has every key of :data:`FIELDS` (null or empty when the page lacks the value), so
    a consumer sees one schema.
    """
    count = 0
    for record in iter_article_records(db):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
