"""Count and log every way a fetch can fail, under ``failures/<kind>`` stats keys.

A long archival crawl meets timeouts, resets and broken servers; it must go on, and the operator must see
afterwards what was lost and why. The middleware sits just inside the retry middleware (priority 545 <
550), so it sees only what retrying could not fix: one count per request given up, not per attempt.
Failures raised elsewhere (size cap, redirect loops, traps, corrupt encodings) are counted where they are
detected, with :func:`count_failure`, so every kind shares one naming scheme and one log format.
"""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.internet import error as tx_error
from twisted.web import _newclient

logger = logging.getLogger(__name__)

PREFIX = "failures/"

_TIMEOUTS = (DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError, TimeoutError)
_RESETS = (
    tx_error.ConnectionLost,
    tx_error.ConnectionDone,
    tx_error.ConnectionAborted,
    ConnectionResetError,
    BrokenPipeError,
)


def count_failure(stats: StatsCollector | None, kind: str, url: str, reason: str) -> None:
    """One counted, logged failure: ``failures/<kind>`` and a WARNING line that says why."""
    if stats is not None:
        stats.inc_value(PREFIX + kind)
    logger.warning("Failure (%s) for %s: %s", kind, url, reason)


def _reasons(exc: BaseException) -> list[BaseException]:
    """The exception, its causes, and the reasons Twisted wraps inside ResponseFailed."""
    found: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.append(current)
        if current.__cause__ is not None:
            pending.append(current.__cause__)
        for failure in getattr(current, "reasons", None) or ():
            value = getattr(failure, "value", None)
            if isinstance(value, BaseException):
                pending.append(value)
    return found


def classify_exception(exc: BaseException) -> str:
    """A short, stable name for a download exception (the ``<kind>`` in ``failures/<kind>``)."""
    chain = _reasons(exc)
    if any(isinstance(e, _TIMEOUTS) for e in chain):
        return "timeout"
    if any(isinstance(e, (DownloadConnectionRefusedError, tx_error.ConnectionRefusedError)) for e in chain):
        return "connection_refused"
    if any(isinstance(e, (CannotResolveHostError, tx_error.DNSLookupError)) for e in chain):
        return "dns"
    if any(isinstance(e, (ResponseDataLossError, _newclient._DataLoss)) for e in chain):
        return "truncated"
    if any(isinstance(e, _RESETS) for e in chain):
        return "connection_reset"
    if any(isinstance(e, DownloadCancelledError) for e in chain):
        return "cancelled"
    if any(isinstance(e, _newclient.ParseError) for e in chain):
        return "bad_http"
    return "other"


def classify_status(status: int) -> str | None:
    """Kind for an HTTP status that means the page was not archived as content, else None."""
    if status >= 500:
        return "http_5xx"
    if status == 429:
        return "http_429"
    if 400 <= status < 500 and status not in (404, 410):
        return "http_4xx"
    return None


def failure_summary(stats: dict) -> dict[str, int]:
    """``{"timeout": 2, "http_5xx": 1, ...}`` from a crawl's final stats, for the crawl summary."""
    return {
        key.removeprefix(PREFIX): int(value)
        for key, value in sorted(stats.items())
        if key.startswith(PREFIX) and isinstance(value, int | float)
    }


class FailureCounter:
    """Downloader middleware (priority 545): counts what the retry middleware gave up on.

    Also counts spider callback errors (``failures/spider_error``): a page of binary junk served as
    ``text/html`` must cost one page, not the crawl.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailureCounter:
        counter = cls(crawler.stats)
        crawler.signals.connect(counter.spider_error, signal=signals.spider_error)
        return counter

    def process_response(self, request: Request, response: Response) -> Response:
        flags = set(response.flags or ())
        if "dataloss" in flags:
            count_failure(self.stats, "truncated", request.url, "connection closed before the whole body")
        kind = classify_status(response.status)
        if kind is not None and not request.meta.get("dont_obey_robotstxt"):
            count_failure(self.stats, kind, request.url, f"HTTP {response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None  # refusals (robots.txt, scope, guards) are counted where they are decided
        kind = classify_exception(exception)
        count_failure(self.stats, kind, request.url, f"{type(exception).__name__}: {exception}")
        return None

    def spider_error(self, failure, response: Response, spider) -> None:
        count_failure(self.stats, "spider_error", response.url, str(failure.value))
