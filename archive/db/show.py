"""Read-side views of the archive for the CLI: one URL in full (``show``) and the totals (``summary``)."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

CAPTURE_TYPES = ("response", "revisit", "resource")


GONE_STATUSES = (404, 410)


def _rows(db: Database, sql: str, params: list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _chosen_article(db: Database, url: str) -> dict[str, Any] | None:
    """The newest ``ok`` article of ``url``; failing that, the newest article of any status, so that a
    page whose extraction failed still shows why."""
    found = _rows(
        db,
        """SELECT a.*, c.fetched_at FROM articles a JOIN captures c ON c.record_id = a.capture_id
           WHERE a.url = ?
           ORDER BY a.status = 'ok' DESC, c.fetched_at DESC, a.capture_id DESC LIMIT 1""",
        [url],
    )
    return found[0] if found else None


def show_url(db: Database, url: str) -> dict[str, Any] | None:
    """Everything the archive knows about ``url``: its newest good article and all its captures.

    Returns None when the URL was never captured.
    """
    captures = _rows(
        db,
        f"""SELECT record_id, record_type, fetched_at, status, mime_type, warc_filename, warc_offset,
                   warc_length, payload_digest, run_id
            FROM captures WHERE url = ? AND record_type IN ({", ".join("?" for _ in CAPTURE_TYPES)})
            ORDER BY fetched_at, record_id""",
        [url, *CAPTURE_TYPES],
    )
    if not captures:
        return None
    latest = captures[-1]
    gone = latest["status"] in GONE_STATUSES
    article = _chosen_article(db, url)
    result: dict[str, Any] = {
        "url": url,
        "capture_id": None,
        "article_status": None,
        "error": None,
        "title": None,
        "published": None,
        "section": None,
        "breadcrumb": [],
        "text": None,
        "images": [],
        "boilerplate": [],
        "captures": captures,
        # Removed from the site: its newest capture is a 404/410, and the text shown is the last version kept.
        "gone": gone,
        "gone_since": latest["fetched_at"] if gone else None,
    }
    if article is None:
        return result
    capture_id = article["capture_id"]
    result.update(
        capture_id=capture_id,
        article_status=article["status"],
        error=article["error"],
        title=article["title"],
        published=article["published"],
        section=article["section"],
        breadcrumb=json.loads(article["breadcrumb"] or "[]"),
        text=article["text"],
        images=_rows(
            db,
            "SELECT src, caption FROM images WHERE capture_id = ? ORDER BY position",
            [capture_id],
        ),
        boilerplate=_rows(
            db,
            """SELECT b.kind, b.text FROM boilerplate_occurrences o
               JOIN boilerplate_blocks b ON b.block_id = o.block_id
               WHERE o.capture_id = ? ORDER BY o.position""",
            [capture_id],
        ),
    )
    return result


def summary(db: Database) -> dict[str, Any]:
    """Totals an archivist checks after a crawl or rebuild.

    ``pages``: distinct URLs captured as HTML; ``articles``: distinct URLs with an ``ok`` article;
    ``images``: distinct image URLs captured; ``bytes``: stored payload bytes of all captures;
    ``errors``: captures with HTTP status >= 400 plus articles whose extraction failed.
    """

    def scalar(sql: str) -> int:
        return db.execute(sql).fetchone()[0] or 0

    return {
        "captures": scalar("SELECT count(*) FROM captures"),
        "pages": scalar(
            "SELECT count(DISTINCT url) FROM captures WHERE mime_type IN ('text/html', 'application/xhtml+xml')"
        ),
        "articles": scalar("SELECT count(DISTINCT url) FROM articles WHERE status = 'ok'"),
        "images": scalar("SELECT count(DISTINCT url) FROM captures WHERE mime_type LIKE 'image/%'"),
        "bytes": scalar("SELECT sum(content_length) FROM captures"),
        "errors": scalar("SELECT count(*) FROM captures WHERE status >= 400")
        + scalar("SELECT count(*) FROM articles WHERE status = 'error'"),
        "runs": scalar("SELECT count(*) FROM crawl_runs"),
        "warc_files": scalar("SELECT count(*) FROM warc_files"),
        "records": scalar("SELECT count(*) FROM warc_records"),
        "ingest_problems": scalar("SELECT count(*) FROM ingest_problems"),
    }
