"""Retries that back off, and that honour Retry-After on 429 and 503 within a bound.

Scrapy's RetryMiddleware re-queues a failed request at once: against a server that is struggling, that
is three hits in a second. This subclass waits before each retry: ``ARCHIVE_RETRY_BACKOFF`` seconds,
doubling per attempt up to ``ARCHIVE_RETRY_BACKOFF_MAX``. When a 429 or 503 carries Retry-After, the wait
is at least what the server asked, unless it asked for more than ``ARCHIVE_RETRY_AFTER_MAX``: then the
request is given up (and counted as a failure) rather than retried early against the server's wishes.

A body cut by a dropped connection (flag ``dataloss``, delivered because the add-on switches
DOWNLOAD_FAIL_ON_DATALOSS off so the partial body is archived) is retried like a reset connection.

The wait is an ``await`` inside the middleware: the host's download slot is free meanwhile, so other
pages keep coming; only the request being retried waits.
"""

from __future__ import annotations

import email.utils
import logging
from datetime import UTC, datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None when unusable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float, ceiling: float) -> float:
    """Exponential back-off: ``base * 2**attempt`` seconds, never more than ``ceiling``."""
    if base <= 0:
        return 0.0
    return min(ceiling, base * (2**attempt))


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with back-off and bounded Retry-After; replaces Scrapy's at priority 550."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("ARCHIVE_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("ARCHIVE_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("ARCHIVE_RETRY_AFTER_MAX", 120.0)

    def _backoff(self, request: Request) -> float:
        return backoff_delay(request.meta.get("retry_times", 0), self.backoff, self.backoff_max)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False):
            return response
        if response.status in self.retry_http_codes:
            wait = self._backoff(request)
            if response.status in RETRY_AFTER_STATUSES:
                asked = parse_retry_after(response.headers.get(b"Retry-After"))
                if asked is not None and asked > self.retry_after_max:
                    self.crawler.stats.inc_value("retry/retry_after_too_long")
                    logger.warning(
                        "Not retrying %s: Retry-After %.0fs exceeds ARCHIVE_RETRY_AFTER_MAX (%.0fs)",
                        request.url,
                        asked,
                        self.retry_after_max,
                    )
                    return response
                if asked is not None:
                    self.crawler.stats.inc_value("retry/retry_after_honoured")
                    wait = max(wait, asked)
            return (
                await self._retry_later(request, response_status_message(response.status), wait) or response
            )
        if "dataloss" in (response.flags or ()):
            return await self._retry_later(request, "dataloss", self._backoff(request)) or response
        return response

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:  # type: ignore[override]
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            return await self._retry_later(request, exception, self._backoff(request))
        return None

    async def _retry_later(self, request: Request, reason: str | Exception, wait: float) -> Request | None:
        retry = self._retry(request, reason)
        if retry is not None and wait > 0:
            logger.info("Waiting %.2fs before retrying %s (%s)", wait, request.url, reason)
            await sleep(wait)
        return retry
