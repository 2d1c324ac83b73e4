"""Crawler traps, recognised by their shape instead of cut off by a small hop count.

A complete crawl cannot cap link depth: the pages of a long channel listing are a chain of "next" links, and
the oldest articles sit at its end. So a trap is recognised by what only a trap produces:

- a URL longer than any real one, or a path nested absurdly deep;
- a path segment repeated (a relative link that nests itself: ``/a/b/a/b/...``);
- a date in the URL after today, or before the web existed (a calendar that walks on for ever);
- a query-string explosion: too many parameters, or too many parameter combinations on one path
  (faceted search, session ids, sort orders multiplied together).

A calendar can also walk backwards through years with no content, each page a real date: the spider stops
such a walk after a run of date pages that list no article (``ARCHIVE_TRAP_EMPTY_DATE_PAGES``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.statscollectors import StatsCollector

from crawler.failures import count_failure

_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?(0[1-9]|[12]\d|3[01]))?(?!\d)",
)
_YEAR_KEYS = {"year", "yr", "y"}
_MONTH_KEYS = {"month", "mon", "m"}


@dataclass(frozen=True)
class TrapLimits:
    """Thresholds, each an ``ARCHIVE_TRAP_*`` setting."""

    max_length: int = 2048
    max_segments: int = 16
    max_repeats: int = 3
    max_query_params: int = 12
    max_query_shapes: int = 30  # distinct sets of parameter names on one path
    future_days: int = 31  # a date this far past today is a calendar running ahead
    earliest_year: int = 1990

    @classmethod
    def from_settings(cls, settings) -> TrapLimits:
        return cls(
            max_length=settings.getint("ARCHIVE_TRAP_MAX_URL_LENGTH", cls.max_length),
            max_segments=settings.getint("ARCHIVE_TRAP_MAX_PATH_SEGMENTS", cls.max_segments),
            max_repeats=settings.getint("ARCHIVE_TRAP_MAX_SEGMENT_REPEATS", cls.max_repeats),
            max_query_params=settings.getint("ARCHIVE_TRAP_MAX_QUERY_PARAMS", cls.max_query_params),
            max_query_shapes=settings.getint("ARCHIVE_TRAP_MAX_QUERY_SHAPES", cls.max_query_shapes),
            future_days=settings.getint("ARCHIVE_TRAP_FUTURE_DAYS", cls.future_days),
            earliest_year=settings.getint("ARCHIVE_TRAP_EARLIEST_YEAR", cls.earliest_year),
        )


def date_in_url(url: str) -> dt.date | None:
    """The calendar date a URL names (path ``2018-05``, ``2018/05/18``, or ``?year=2018&month=5``), if any.

    A month without a day is its first day.
    """
    parts = urlsplit(url)
    match = _DATE.search(parts.path) or _DATE.search(parts.query)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
        try:
            return dt.date(year, month, day)
        except ValueError:  # 2019-02-30: not a date, so not a calendar page either
            return None
    params = {key.lower(): value for key, value in parse_qsl(parts.query)}
    year = next((params[k] for k in _YEAR_KEYS if k in params), None)
    month = next((params[k] for k in _MONTH_KEYS if k in params), None)
    if year and year.isdigit() and len(year) == 4:
        month_number = int(month) if month and month.isdigit() and 1 <= int(month) <= 12 else 1
        return dt.date(int(year), month_number, 1)
    return None


def trap_reason(url: str, limits: TrapLimits, today: dt.date | None = None) -> str | None:
    """Why ``url`` looks like a crawler trap on its own (without the crawl's history), or None."""
    if len(url) > limits.max_length:
        return f"URL longer than {limits.max_length} characters"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > limits.max_segments:
        return f"path deeper than {limits.max_segments} segments"
    if segments:
        segment, times = Counter(segments).most_common(1)[0]
        if times > limits.max_repeats:
            return f"path segment {segment!r} repeated {times} times"
    if len(parse_qsl(parts.query, keep_blank_values=True)) > limits.max_query_params:
        return f"more than {limits.max_query_params} query parameters"
    named = date_in_url(url)
    if named is not None:
        today = today or dt.date.today()
        if named > today + dt.timedelta(days=limits.future_days):
            return f"calendar date {named.isoformat()} is in the future"
        if named.year < limits.earliest_year:
            return f"calendar date {named.isoformat()} is before {limits.earliest_year}"
    return None


class QueryShapes:
    """Counts the distinct sets of query-parameter names seen on each path of a host.

    Listings paged with ``?page=N`` keep one shape however many pages there are; filters and sort orders
    multiplied together make new shapes without end. Memory is bounded by paths x the shape cap.
    """

    def __init__(self, max_shapes: int) -> None:
        self.max_shapes = max_shapes
        self.shapes: defaultdict[tuple[str, str], set[frozenset[str]]] = defaultdict(set)

    def admit(self, url: str) -> str | None:
        parts = urlsplit(url)
        if not parts.query:
            return None
        seen = self.shapes[(parts.netloc.lower(), parts.path)]
        shape = frozenset(key for key, _ in parse_qsl(parts.query, keep_blank_values=True))
        if shape in seen:
            return None
        if len(seen) >= self.max_shapes:
            return f"more than {self.max_shapes} query-string shapes on {parts.path or '/'}"
        seen.add(shape)
        return None


class TrapGuard:
    """Downloader middleware (520) that refuses URLs shaped like crawler traps, counting each refusal."""

    def __init__(self, limits: TrapLimits, stats: StatsCollector) -> None:
        self.limits = limits
        self.stats = stats
        self.query_shapes = QueryShapes(limits.max_query_shapes)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapGuard:
        if not crawler.settings.getbool("ARCHIVE_TRAP_GUARD_ENABLED", True):
            raise NotConfigured("ARCHIVE_TRAP_GUARD_ENABLED is off")
        return cls(TrapLimits.from_settings(crawler.settings), crawler.stats)

    def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):  # robots.txt itself is never a trap
            return
        reason = trap_reason(request.url, self.limits) or self.query_shapes.admit(request.url)
        if reason is not None:
            count_failure(self.stats, "trap", request.url, reason)
            raise IgnoreRequest(f"crawler trap: {reason}")
