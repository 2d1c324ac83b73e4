"""Every capture of one URL over time, and what changed in its text between versions.

A re-crawl keeps old captures (the WARC is append-only), so the archive can answer "what did this
page say in 2024, and what was edited since?". Each capture's *document* is its extracted title,
publication date and text; a revisit record has no payload of its own and borrows the document of
the capture it refers to (by record id, else by payload digest). Consecutive documents are compared
with :mod:`difflib`, so an edit shows up as a unified diff of paragraphs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database


FIRST, CHANGED, UNCHANGED, NO_TEXT = "first", "changed", "unchanged", "no text"


@dataclass(frozen=True)
class CaptureVersion:
    """One capture of the URL. ``change`` is ``first``, ``changed``, ``unchanged`` (compared with the
    previous capture that had text) or ``no text`` (an error, a removed page, a non-HTML resource)."""

    fetched_at: str
    record_id: str
    record_type: str
    http_status: int | None
    payload_digest: str | None
    article_status: str | None
    title: str | None
    published: str | None
    text_chars: int | None
    change: str
    diff: str | None
    warc_filename: str
    warc_offset: int


def document_lines(title: str | None, published: str | None, text: str | None) -> list[str]:
    """What is compared between versions: title and date lines, then one line per paragraph."""
    return [f"title: {title or ''}", f"published: {published or ''}", "", *(text or "").splitlines()]


def _captures(db: Database | sqlite3.Connection, url: str) -> list[dict[str, Any]]:
    cursor = db.execute(
        """SELECT c.record_id, c.record_type, c.fetched_at, c.status AS http_status, c.payload_digest,
                  c.refers_to, c.warc_filename, c.warc_offset,
                  a.status AS article_status, a.title, a.published, a.text
           FROM captures c LEFT JOIN articles a ON a.capture_id = c.record_id
           WHERE c.url = ? AND c.record_type IN ('response', 'revisit', 'resource')
           ORDER BY c.fetched_at, c.record_id""",
        [url],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


ARTICLE_FIELDS = ("article_status", "title", "published", "text")


def _borrowed(db: Database | sqlite3.Connection, capture: dict[str, Any]) -> dict[str, Any] | None:
    """The article a revisit stands for: the record it refers to, else the latest earlier capture
    with the same payload digest."""
    row = None
    if capture["refers_to"]:
        row = db.execute(
            "SELECT status, title, published, text FROM articles WHERE capture_id = ?", [capture["refers_to"]]
        ).fetchone()
    if row is None and capture["payload_digest"]:
        row = db.execute(
            """SELECT a.status, a.title, a.published, a.text FROM articles a
               JOIN captures c ON c.record_id = a.capture_id
               WHERE c.payload_digest = ? AND c.fetched_at <= ?
               ORDER BY c.fetched_at DESC, c.record_id DESC LIMIT 1""",
            [capture["payload_digest"], capture["fetched_at"]],
        ).fetchone()
    return dict(zip(ARTICLE_FIELDS, row, strict=True)) if row else None


def url_history(db: Database | sqlite3.Connection, url: str) -> dict[str, Any] | None:
    """All captures of ``url``, oldest first, each with its change from the previous text.

    Returns None when the URL was never captured. ``versions`` counts the distinct texts in order
    (A, B, A is three versions: the page was edited and then reverted).
    """
    rows = _captures(db, url)
    if not rows:
        return None
    versions: list[CaptureVersion] = []
    previous: tuple[str, list[str]] | None = None
    count = 0
    for row in rows:
        if row["record_type"] == "revisit" and row["article_status"] is None:
            row.update(_borrowed(db, row) or {})
        has_text = row["article_status"] == "ok" and bool(row["text"])
        diff = None
        if not has_text:
            change = NO_TEXT
        else:
            lines = document_lines(row["title"], row["published"], row["text"])
            if previous is None:
                change = FIRST
            elif previous[1] == lines:
                change = UNCHANGED
            else:
                change = CHANGED
                import difflib  # here: most captures of a page repeat the text before them

                diff = "\n".join(
                    difflib.unified_diff(
                        previous[1],
                        lines,
                        fromfile=f"{url} @ {previous[0]}",
                        tofile=f"{url} @ {row['fetched_at']}",
                        lineterm="",
                    )
                )
            count += change != UNCHANGED
            previous = (row["fetched_at"], lines)
        versions.append(
            CaptureVersion(
                fetched_at=row["fetched_at"],
                record_id=row["record_id"],
                record_type=row["record_type"],
                http_status=row["http_status"],
                payload_digest=row["payload_digest"],
                article_status=row["article_status"],
                title=row["title"],
                published=row["published"],
                text_chars=len(row["text"]) if row["text"] else None,
                change=change,
                diff=diff,
                warc_filename=row["warc_filename"],
                warc_offset=row["warc_offset"],
            )
        )
    return {"url": url, "versions": count, "captures": [asdict(version) for version in versions]}


def capture_counts(db: Database | sqlite3.Connection, url: str) -> int:
    """How many captures ``url`` has (what `show` prints next to the `history` command)."""
    return db.execute(
        "SELECT count(*) FROM captures WHERE url = ? AND record_type IN ('response', 'revisit', 'resource')",
        [url],
    ).fetchone()[0]
