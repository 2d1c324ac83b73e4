"""What the archive already holds for each URL, for incremental and resumed crawls.

An incremental crawl asks the server "changed since?" (ETag / Last-Modified of the last full response),
writes a revisit record when the answer is no, and hands the archived copy to the spider so that the crawl
goes on from its links. A resumed crawl skips the network for URLs its interrupted run already archived.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils


@dataclass(frozen=True)
class PriorCapture:
    """The newest full (non-revisit) 2xx response archived for a URL."""

    url: str
    record_id: str
    fetched_at: str
    status: int
    mime_type: str | None
    etag: str | None
    last_modified: str | None
    payload_digest: str | None
    warc_filename: str
    warc_offset: int


def _newest_responses(condition: str) -> str:
    """The newest response record of each URL among the captures that meet ``condition``."""
    return f"""
select url, record_id, fetched_at, status, mime_type, etag, last_modified, payload_digest,
       warc_filename, warc_offset
from (
    select c.*, row_number() over (
        partition by c.url order by c.fetched_at desc, c.record_id desc
    ) as newest
    from captures c
    where c.record_type = 'response' and {condition}
)
where newest = 1
"""


_LATEST_FULL_RESPONSES = _newest_responses(
    "c.status between 200 and 299 and (c.truncated is null or c.truncated = '')"
)


def load_prior_captures(db: sqlite_utils.Database) -> dict[str, PriorCapture]:
    """URL → newest full 2xx response."""
    return {row[0]: PriorCapture(*row) for row in db.execute(_LATEST_FULL_RESPONSES).fetchall()}


def known_page_urls(db: sqlite_utils.Database) -> list[str]:
    """HTML pages archived before, in a stable order: an incremental crawl asks for each again, so a page
    that was removed from the site (and from its listings) is still noticed as gone."""
    rows = db.execute(
        "select distinct url from captures where status between 200 and 299 "
        "and mime_type in ('text/html', 'application/xhtml+xml') order by url"
    ).fetchall()
    return [row[0] for row in rows]


def latest_run(db: sqlite_utils.Database) -> tuple[str, bool] | None:
    """(run id, finished cleanly) of the newest crawl run, or None for an empty archive."""
    row = db.execute(
        "select run_id, stats from crawl_runs order by first_warcinfo_at desc, run_id desc limit 1"
    ).fetchone()
    if row is None:
        return None
    run_id, stats = row
    return run_id, bool(stats) and json.loads(stats).get("finish_reason") == "finished"


_RUN_RESPONSES = _newest_responses("c.run_id = ?")


def captures_in_run(db: sqlite_utils.Database, run_id: str) -> dict[str, PriorCapture | None]:
    """Every URL a run archived, with any status (a redirect and a 404 too), mapped to its newest response
    record in that run; None where the run holds only revisits of it (the original answers for those).
    A resumed run fetches none of these again."""
    captured: dict[str, PriorCapture | None] = {
        row[0]: None for row in db.execute("select distinct url from captures where run_id = ?", [run_id])
    }
    for row in db.execute(_RUN_RESPONSES, [run_id]).fetchall():
        captured[row[0]] = PriorCapture(*row)
    return captured


def open_if_exists(path: Path) -> sqlite_utils.Database | None:
    """The archive at `path`, or None for a first crawl."""
    if not path.exists():
        return None
    from archive.db.schema import open_archive

    return open_archive(path)
