"""The revisit schedule: when each archived URL is next worth asking for again.

A daily crawl that re-asks every archived URL spends ten hours on the real site to find a handful of new
articles. Instead each URL gets an interval that grows while it stays unchanged and shrinks when it changes,
and a run re-validates only what is due (with conditional GET). The policy is deliberately simple enough to
read in one screen:

- the first interval comes from the content's age: an article published years ago is unlikely to change
  tomorrow, one published yesterday may well be corrected (``age_share`` of its age, within the bounds);
  a page of unknown age (a listing, an attachment) starts at ``unknown_age_days``;
- unchanged at a check (a 304, or the same payload digest): the interval doubles, up to ``max_days``
  (``media_max_days`` for images and attachments, which rarely change);
- changed: the interval halves, down to ``min_days``;
- gone (404/410): checked again at the longest interval, in case it comes back;
- an error answer (5xx, truncated): asked again after ``min_days``, interval kept.

Due dates are spread by a hash of the URL over the last quarter of the interval, so the thousands of pages
archived on one day do not all fall due on one later day.

The schedule is a pure function of the captures and the policy: ``refresh_schedule`` derives it again for
any URL whose captures changed, so it survives ``rebuild`` and ``--resume`` with nothing stored elsewhere.
The day a capture counts for is its run's ``ARCHIVE_AS_OF`` setting (recorded in the run's warcinfo), else
the capture's own date: a backfill or a test can simulate weeks in seconds while WARC dates stay real.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass

from sqlite_utils import Database

HTML_TYPES = ("text/html", "application/xhtml+xml")
GONE_STATUSES = (404, 410)
_BATCH = 500


@dataclass(frozen=True)
class RevisitPolicy:
    """Interval bounds in days; every field is an ``ARCHIVE_REVISIT_*`` setting of the crawl."""

    min_days: float = 1.0
    max_days: float = 30.0
    media_max_days: float = 90.0
    unknown_age_days: float = 7.0
    age_share: float = 0.1

    @property
    def key(self) -> str:
        """Stored with each row: a changed policy makes every row stale."""
        return json.dumps(asdict(self), sort_keys=True)

    def upper(self, kind: str) -> float:
        return self.media_max_days if kind == "media" else self.max_days


@dataclass(frozen=True)
class Check:
    """One capture of a URL as the schedule sees it."""

    day: dt.date
    fetched_at: str
    record_type: str  # response or revisit
    status: int | None
    payload_digest: str | None
    truncated: bool
    published: dt.date | None


@dataclass(frozen=True)
class ScheduleRow:
    url: str
    kind: str  # page or media
    interval_days: float
    next_due: str  # ISO date
    last_checked: str
    last_outcome: str  # new, unchanged, changed, gone, error
    checks: int
    changes: int
    last_capture_at: str
    policy: str


def first_interval(policy: RevisitPolicy, kind: str, day: dt.date, published: dt.date | None) -> float:
    if kind == "media":
        return policy.media_max_days
    if published is None:
        return min(policy.unknown_age_days, policy.max_days)
    age = max((day - published).days, 0)
    return min(max(age * policy.age_share, policy.min_days), policy.max_days)


def spread(url: str) -> float:
    """A stable number in [0.75, 1): where in the last quarter of its interval a URL falls due."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=4).digest()
    return 0.75 + 0.25 * int.from_bytes(digest, "big") / 2**32


def derive_schedule(policy: RevisitPolicy, url: str, kind: str, checks: Sequence[Check]) -> ScheduleRow:
    """Replay a URL's captures, oldest first, through the policy."""
    interval = 0.0
    digest: str | None = None
    outcome = "new"
    changes = 0
    retry_soon = False
    for number, check in enumerate(checks):
        retry_soon = False
        if check.status in GONE_STATUSES:
            outcome, interval = "gone", policy.upper(kind)
        elif check.truncated or check.status is None or check.status >= 500:
            outcome, retry_soon = "error", True
            interval = interval or first_interval(policy, kind, check.day, check.published)
        elif number == 0 or not interval:
            outcome, interval = "new", first_interval(policy, kind, check.day, check.published)
        elif check.record_type == "revisit" or check.payload_digest == digest:
            outcome, interval = "unchanged", min(interval * 2, policy.upper(kind))
        else:
            outcome, interval = "changed", max(interval / 2, policy.min_days)
            changes += 1
        if check.record_type == "response" and check.payload_digest and not check.truncated:
            digest = check.payload_digest
    last = checks[-1]
    wait = policy.min_days if retry_soon else interval * spread(url)
    next_due = last.day + dt.timedelta(days=max(round(wait), 1))
    return ScheduleRow(
        url=url,
        kind=kind,
        interval_days=round(interval, 3),
        next_due=next_due.isoformat(),
        last_checked=last.day.isoformat(),
        last_outcome=outcome,
        checks=len(checks),
        changes=changes,
        last_capture_at=last.fetched_at,
        policy=policy.key,
    )


_STALE_URLS = """
SELECT c.url
FROM captures c
LEFT JOIN revisit_schedule s ON s.url = c.url
WHERE c.record_type IN ('response', 'revisit')
GROUP BY c.url
HAVING s.url IS NULL OR count(*) <> max(s.checks) OR max(c.fetched_at) > max(s.last_capture_at)
    OR max(s.policy) IS NOT :policy
"""

_CHECKS = """
SELECT c.url, c.fetched_at, c.record_type, c.status, c.payload_digest, c.truncated, c.mime_type,
       r.settings, a.published
FROM captures c
LEFT JOIN crawl_runs r ON r.run_id = c.run_id
LEFT JOIN articles a ON a.capture_id = c.record_id
WHERE c.url IN ({marks}) AND c.record_type IN ('response', 'revisit')
ORDER BY c.url, c.fetched_at, c.record_id
"""


def refresh_schedule(db: Database, policy: RevisitPolicy | None = None) -> int:
    """Derive the schedule again for every URL whose captures (or the policy) changed; returns how many."""
    policy = policy or RevisitPolicy()
    stale = [row[0] for row in db.execute(_STALE_URLS, {"policy": policy.key}).fetchall()]
    as_of_by_settings: dict[str | None, dt.date | None] = {}
    with db.conn:
        for start in range(0, len(stale), _BATCH):
            batch = stale[start : start + _BATCH]
            rows = [
                asdict(derive_schedule(policy, url, kind, checks))
                for url, kind, checks in _checks_by_url(db, batch, as_of_by_settings)
            ]
            db["revisit_schedule"].upsert_all(rows, pk="url")
    return len(stale)


def _checks_by_url(
    db: Database, urls: Sequence[str], as_of_cache: dict[str | None, dt.date | None]
) -> Iterator[tuple[str, str, list[Check]]]:
    sql = _CHECKS.format(marks=", ".join("?" * len(urls)))
    current: str | None = None
    kind = "media"
    checks: list[Check] = []
    for url, fetched_at, record_type, status, digest, truncated, mime, settings, published in db.execute(
        sql, list(urls)
    ):
        if url != current:
            if current is not None and checks:
                yield current, kind, checks
            current, kind, checks = url, "media", []
        if mime in HTML_TYPES:
            kind = "page"
        if settings not in as_of_cache:
            as_of_cache[settings] = _as_of(settings)
        day = as_of_cache[settings] or _date(fetched_at) or dt.date.today()
        checks.append(
            Check(day, fetched_at or "", record_type, status, digest, bool(truncated), _date(published))
        )
    if current is not None and checks:
        yield current, kind, checks


def _as_of(settings_json: str | None) -> dt.date | None:
    if not settings_json:
        return None
    try:
        value = json.loads(settings_json).get("ARCHIVE_AS_OF")
    except (ValueError, AttributeError):
        return None
    return _date(value)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def due_urls(db: Database, today: dt.date, limit: int | None = None) -> list[str]:
    """URLs due for re-validation on ``today``, most overdue first (``limit`` bounds a run's cost)."""
    sql = "SELECT url FROM revisit_schedule WHERE next_due <= ? ORDER BY next_due, url"
    params: list[object] = [today.isoformat()]
    if limit is not None and limit > 0:
        sql += " LIMIT ?"
        params.append(limit)
    return [row[0] for row in db.execute(sql, params).fetchall()]


def scheduled_next_due(db: Database) -> dict[str, str]:
    """URL -> next due date, for every scheduled URL: what a run needs to skip links it need not follow."""
    return dict(db.execute("SELECT url, next_due FROM revisit_schedule").fetchall())


def due_count(db: Database, day: dt.date) -> int:
    return db.execute(
        "SELECT count(*) FROM revisit_schedule WHERE next_due <= ?", [day.isoformat()]
    ).fetchone()[0]


@dataclass(frozen=True)
class RunChanges:
    """What one run found, from its captures and those before it."""

    revalidated: int  # URLs archived before that this run asked for again
    new_urls: int
    new_articles: list[str]
    changed: list[str]
    gone: list[str]


def run_changes(db: Database, run_id: str, is_article: Callable[[str], bool]) -> RunChanges:
    """Compare each URL this run captured with its newest capture from an earlier run."""
    rows = db.execute(
        """
        WITH this AS (
            SELECT url, record_type, status, payload_digest, fetched_at,
                   row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, record_id DESC) AS newest
            FROM captures WHERE run_id = :run AND record_type IN ('response', 'revisit')
        ),
        before AS (
            SELECT c.url, c.status, c.payload_digest,
                   row_number() OVER (PARTITION BY c.url ORDER BY c.fetched_at DESC, c.record_id DESC) AS newest
            FROM captures c JOIN this t ON t.url = c.url AND t.newest = 1
            WHERE (c.run_id IS NOT :run) AND c.record_type = 'response'
        )
        SELECT t.url, t.record_type, t.status, t.payload_digest, b.url IS NOT NULL, b.status, b.payload_digest
        FROM this t LEFT JOIN before b ON b.url = t.url AND b.newest = 1
        WHERE t.newest = 1
        """,
        {"run": run_id},
    ).fetchall()
    new_urls, new_articles, changed, gone, revalidated = 0, [], [], [], 0
    for url, record_type, status, digest, seen_before, old_status, old_digest in rows:
        if not seen_before:
            new_urls += 1
            if status is not None and 200 <= status < 300 and is_article(url):
                new_articles.append(url)
            continue
        revalidated += 1
        if status in GONE_STATUSES and old_status not in GONE_STATUSES:
            gone.append(url)
        elif record_type == "response" and status and 200 <= status < 300 and digest != old_digest:
            changed.append(url)
    return RunChanges(revalidated, new_urls, sorted(new_articles), sorted(changed), sorted(gone))
