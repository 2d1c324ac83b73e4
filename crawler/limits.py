"""Caps that keep one bad page from eating the crawl: body size and redirect loops.

- ``BodySizeCap`` (extension): a body larger than ``ARCHIVE_MAX_BODY_SIZE`` is cut, not dropped. The
  download stops (``StopDownload(fail=False)``) as soon as the cap is reached, so at most the cap plus one
  socket read is ever held in memory; the partial response is still delivered and recorded, and its WARC
  record says ``WARC-Truncated: length`` (see ``crawler.http_capture.truncation_reason``). Scrapy's own
  DOWNLOAD_MAXSIZE would instead cancel the download and archive nothing.
- ``RedirectLoopGuard`` (downloader middleware, 610, before RedirectMiddleware at 600): a redirect to a URL
  already in the chain, or one hop past REDIRECT_MAX_TIMES, is named and counted; Scrapy would drop it
  silently (dupe filter) or as an unlogged IgnoreRequest.
Crawler traps are recognised in ``crawler.traps``.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from crawler.failures import count_failure

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_SIZE = 50 * 1024 * 1024


class BodySizeCap:
    """Cuts bodies at ``ARCHIVE_MAX_BODY_SIZE`` bytes (0 switches the cap off)."""

    def __init__(self, cap: int, stats: StatsCollector) -> None:
        self.cap = cap
        self.stats = stats
        self.received: WeakKeyDictionary[Request, int] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodySizeCap:
        cap = crawler.settings.getint("ARCHIVE_MAX_BODY_SIZE", DEFAULT_MAX_BODY_SIZE)
        if cap <= 0:
            raise NotConfigured("ARCHIVE_MAX_BODY_SIZE is 0")
        maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        if maxsize and maxsize <= cap:
            logger.warning(
                "DOWNLOAD_MAXSIZE (%d) <= ARCHIVE_MAX_BODY_SIZE (%d): bigger bodies are dropped, not cut",
                maxsize,
                cap,
            )
        extension = cls(cap, crawler.stats)
        crawler.signals.connect(extension.headers_received, signal=signals.headers_received)
        crawler.signals.connect(extension.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(extension.request_left, signal=signals.request_left_downloader)
        return extension

    def request_left(self, request: Request, spider) -> None:
        """Forget the byte count of a finished download (it would otherwise grow with the crawl)."""
        self.received.pop(request, None)

    def headers_received(self, headers, body_length: int | str, request: Request, spider) -> None:
        # Twisted gives a string sentinel (UNKNOWN_LENGTH) for chunked or close-delimited bodies.
        if isinstance(body_length, int) and body_length > self.cap:
            logger.info("%s declares %d bytes; keeping the first %d", request.url, body_length, self.cap)

    def bytes_received(self, data: bytes, request: Request, spider) -> None:
        total = self.received.get(request, 0) + len(data)
        self.received[request] = total
        if total >= self.cap:
            del self.received[request]
            reason = f"body reached ARCHIVE_MAX_BODY_SIZE ({self.cap} bytes); archived truncated"
            count_failure(self.stats, "over_size_cap", request.url, reason)
            raise StopDownload(fail=False)


class RedirectLoopGuard:
    """Names redirect loops and over-long redirect chains before RedirectMiddleware sees them."""

    def __init__(self, max_times: int, stats: StatsCollector) -> None:
        self.max_times = max_times
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopGuard:
        if not crawler.settings.getbool("REDIRECT_ENABLED"):
            raise NotConfigured("REDIRECT_ENABLED is off")
        return cls(crawler.settings.getint("REDIRECT_MAX_TIMES"), crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400) or not location or request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _same_resource(target, chain):
            reason = f"redirect loop: {' -> '.join([*chain, target])}"
            count_failure(self.stats, "redirect_loop", chain[0], reason)
            raise IgnoreRequest(reason)
        if request.meta.get("redirect_times", 0) >= self.max_times:
            reason = f"more than REDIRECT_MAX_TIMES ({self.max_times}) redirects from {chain[0]}"
            count_failure(self.stats, "too_many_redirects", chain[0], reason)
            raise IgnoreRequest(reason)
        return response


def _same_resource(target: str, chain: list[str]) -> bool:
    """A loop returns to a URL of the chain (fragments never reach the server, so ignore them)."""
    seen = {url.split("#", 1)[0] for url in chain}
    return target.split("#", 1)[0] in seen
