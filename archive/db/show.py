"""Read-side views of the archive for the CLI: one URL in full (``show``), the archived URL a typed URL
stands for (``find_archived_url``) and the totals (``summary``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database


CAPTURE_TYPES = ("response", "revisit", "resource")


GONE_STATUSES = (404, 410)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def _rows(
    db: Database | sqlite3.Connection, sql: str, params: list[Any] | dict[str, Any]
) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _chosen_article(db: Database | sqlite3.Connection, url: str) -> dict[str, Any] | None:
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


@dataclass(frozen=True)
class UrlMatch:
    """The archived URL chosen for a URL as typed, and every archived URL that matched it.

    ``exact`` is true when the URL was archived exactly as typed; otherwise ``url`` is the archived form
    with the same SURT key (scheme, ``www.``, case, fragment, escaping and query order set aside) that
    has a successful capture, the newest first, and ``candidates`` lists all of them, ``url`` first.
    """

    requested: str
    url: str
    candidates: tuple[str, ...]
    exact: bool


_CAPTURE_TYPE_PARAMS = ", ".join("?" for _ in CAPTURE_TYPES)


def surt_key(url: str) -> str | None:
    """The SURT key the archive stores for ``url`` (``captures.url_key``), None when it cannot be made.

    A URL typed without a scheme is taken as http; the fragment never reaches a server, so it is dropped.
    """
    from archive.db.surt_loader import import_surt  # here: a lookup of an exact URL never needs surt

    surt = import_surt()

    text = url.strip().split("#", 1)[0]
    if "://" not in text:
        text = "http://" + text
    try:
        return surt.surt(text)
    except Exception:  # surt raises assorted errors on malformed URLs: such a URL matches nothing
        return None


def find_archived_url(db: Database | sqlite3.Connection, url: str) -> UrlMatch | None:
    """The archived URL that ``url`` (as a person typed it) stands for, or None when there is none.

    The exact URL wins; failing that, the URL is normalized the way CDX indexes are (its SURT key), so
    the https form of an http URL, an upper-case host, a ``#fragment`` or the unescaped Chinese form of
    a percent-encoded path all find the page.
    """
    exact = db.execute(
        f"SELECT 1 FROM captures WHERE url = ? AND record_type IN ({_CAPTURE_TYPE_PARAMS}) LIMIT 1",
        [url, *CAPTURE_TYPES],
    ).fetchone()
    if exact:
        return UrlMatch(url, url, (url,), True)
    key = surt_key(url)
    if key is None:
        return None
    rows = db.execute(
        f"""SELECT url FROM captures WHERE url_key = ? AND record_type IN ({_CAPTURE_TYPE_PARAMS})
            GROUP BY url
            ORDER BY max(coalesce(status, 200) BETWEEN 200 AND 299) DESC, max(fetched_at) DESC, url""",
        [key, *CAPTURE_TYPES],
    ).fetchall()
    if not rows:
        return None
    candidates = tuple(row[0] for row in rows)
    return UrlMatch(url, candidates[0], candidates, False)


def show_url(db: Database | sqlite3.Connection, url: str) -> dict[str, Any] | None:
    """Everything the archive knows about ``url``: its newest good article and all its captures.

    Returns None when the URL was never captured. Each capture carries ``http_status`` (as in
    ``history``) and, for a redirect, the ``location`` it points to; ``redirects_to`` is the newest
    capture's redirect target, if it is a redirect.
    """
    captures = _rows(
        db,
        f"""SELECT record_id, record_type, fetched_at, status AS http_status, location, mime_type,
                   warc_filename, warc_offset, warc_length, payload_digest, run_id
            FROM captures WHERE url = ? AND record_type IN ({_CAPTURE_TYPE_PARAMS})
            ORDER BY fetched_at, record_id""",
        [url, *CAPTURE_TYPES],
    )
    if not captures:
        return None
    latest = captures[-1]
    gone = latest["http_status"] in GONE_STATUSES
    redirect = latest["http_status"] in REDIRECT_STATUSES and latest["location"]
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
        "redirects_to": latest["location"] if redirect else None,
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


def summary(db: Database | sqlite3.Connection) -> dict[str, Any]:
    """Totals an archivist checks after a crawl or rebuild, over every run of the collection.

    ``html_urls``: distinct URLs captured as HTML (error pages included); ``articles``: distinct URLs
    with an ``ok`` article; ``image_urls``: distinct image URLs captured; ``warc_bytes``: bytes of all
    WARC records on disk (compressed, as a run's ``warc bytes`` is); ``payload_bytes``: the captured
    content itself, uncompressed; ``errors``: captures with HTTP status >= 400 plus articles whose
    extraction failed.
    """

    def scalar(sql: str) -> int:
        return db.execute(sql).fetchone()[0] or 0

    return {
        "captures": scalar("SELECT count(*) FROM captures"),
        "html_urls": scalar(
            "SELECT count(DISTINCT url) FROM captures WHERE mime_type IN ('text/html', 'application/xhtml+xml')"
        ),
        "articles": scalar("SELECT count(DISTINCT url) FROM articles WHERE status = 'ok'"),
        "image_urls": scalar("SELECT count(DISTINCT url) FROM captures WHERE mime_type LIKE 'image/%'"),
        "warc_bytes": scalar("SELECT sum(warc_length) FROM warc_records"),
        "payload_bytes": scalar("SELECT sum(content_length) FROM captures"),
        "errors": scalar("SELECT count(*) FROM captures WHERE status >= 400")
        + scalar("SELECT count(*) FROM articles WHERE status = 'error'"),
        "runs": scalar("SELECT count(*) FROM crawl_runs"),
        "warc_files": scalar("SELECT count(*) FROM warc_files"),
        "records": scalar("SELECT count(*) FROM warc_records"),
        "ingest_problems": scalar("SELECT count(*) FROM ingest_problems"),
    }
