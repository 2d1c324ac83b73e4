"""Which archived URLs a run asks for again: the revisit schedule (archive/db/revisits.py) applied to a crawl.

A scheduled run first fetches what finds new content: its start URLs (the home page), the listing pages they
link to (the first page of every channel), and the site's feeds. New URLs found there are fetched, with their
images. Every other archived URL is asked for only when the schedule says it is due, at most
``ARCHIVE_REVISIT_MAX_PER_RUN`` of them, most overdue first, so a daily run has a bounded cost. A listing page
that shows new articles lets the crawl go on to the listing pages it links (a busy day can push new articles
past the first page).

``ARCHIVE_REVISIT_POLICY = "all"`` keeps the older behaviour: every archived page is asked for on every run.
``ARCHIVE_AS_OF`` (an ISO date) is the day the schedule treats as today; WARC dates stay the real time.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from scrapy.settings import BaseSettings

from archive.collection import database_path
from archive.db.prior_captures import known_page_urls, open_if_exists
from archive.db.revisits import RevisitPolicy, due_urls, refresh_schedule, scheduled_next_due

logger = logging.getLogger(__name__)

SCHEDULE = "schedule"
EVERYTHING = "all"


def policy_from_settings(settings: BaseSettings) -> RevisitPolicy:
    defaults = RevisitPolicy()
    return RevisitPolicy(
        min_days=settings.getfloat("ARCHIVE_REVISIT_MIN_DAYS", defaults.min_days),
        max_days=settings.getfloat("ARCHIVE_REVISIT_MAX_DAYS", defaults.max_days),
        media_max_days=settings.getfloat("ARCHIVE_REVISIT_MEDIA_MAX_DAYS", defaults.media_max_days),
        unknown_age_days=settings.getfloat("ARCHIVE_REVISIT_UNKNOWN_AGE_DAYS", defaults.unknown_age_days),
        age_share=settings.getfloat("ARCHIVE_REVISIT_AGE_SHARE", defaults.age_share),
    )


def as_of(settings: BaseSettings) -> dt.date:
    """The day the schedule treats as today (``ARCHIVE_AS_OF``), else today."""
    value = settings.get("ARCHIVE_AS_OF")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"ARCHIVE_AS_OF must be a date (YYYY-MM-DD), not {value!r}") from None


class RevisitPlan:
    """What one run knows of the schedule: the due URLs to ask for, and which known URLs to leave alone."""

    def __init__(self, mode: str, today: dt.date, due: list[str], next_due: dict[str, str]) -> None:
        self.mode = mode
        self.today = today.isoformat()
        self.due = due
        self.due_set = set(due)
        self.next_due = next_due

    @classmethod
    def load(cls, settings: BaseSettings) -> RevisitPlan:
        """Refresh the collection's schedule from its captures, then read what this run needs of it."""
        mode = (settings.get("ARCHIVE_REVISIT_POLICY") or SCHEDULE).strip().lower()
        if mode not in (SCHEDULE, EVERYTHING):
            raise ValueError(f"ARCHIVE_REVISIT_POLICY must be {SCHEDULE!r} or {EVERYTHING!r}, not {mode!r}")
        today = as_of(settings)
        collection = settings.get("ARCHIVE_DIR")
        db = open_if_exists(database_path(Path(collection))) if collection else None
        if db is None:
            return cls(mode, today, [], {})
        try:
            if mode == EVERYTHING:
                return cls(mode, today, known_page_urls(db), {})
            refreshed = refresh_schedule(db, policy_from_settings(settings))
            limit = settings.getint("ARCHIVE_REVISIT_MAX_PER_RUN", 5000)
            plan = cls(mode, today, due_urls(db, today, limit), scheduled_next_due(db))
        finally:
            db.close()
        logger.info("Revisit schedule: %d rows refreshed, %d URLs due", refreshed, len(plan.due))
        return plan

    @classmethod
    def everything(cls) -> RevisitPlan:
        """No archive to plan from: every link is followed."""
        return cls(EVERYTHING, dt.date.today(), [], {})

    def is_known(self, url: str) -> bool:
        return url in self.next_due

    def wants(self, url: str) -> bool:
        """Follow a link to ``url``? Under the schedule: if it is new, or due in this run (within the cap)."""
        return self.mode == EVERYTHING or url not in self.next_due or url in self.due_set
