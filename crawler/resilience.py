"""The add-on that makes a crawl survive faults and bad input (registered in ``ADDONS``).

It swaps two Scrapy components for stricter subclasses (retry with back-off and Retry-After; compression
that names corrupt bodies) and the downloader (one that keeps the per-host cap), adds the caps of ``crawler.limits``, the failure counter, the proxy setting,
and delivers bodies cut by a dropped connection instead of discarding them: the recorder archives them
with ``WARC-Truncated: disconnect`` and the retry middleware tries again.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from crawler.limits import DEFAULT_MAX_BODY_SIZE

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.traps.TrapGuard": 520,
    "crawler.failures.FailureCounter": 545,
    "crawler.retry_after.BackoffRetryMiddleware": 550,
    "crawler.decoding.SafeHttpCompressionMiddleware": 590,
    "crawler.limits.RedirectLoopGuard": 610,
    "crawler.proxy.ArchiveProxyMiddleware": 740,
}

DEFAULTS = {
    "ARCHIVE_MAX_BODY_SIZE": DEFAULT_MAX_BODY_SIZE,
    "ARCHIVE_RETRY_BACKOFF": 1.0,
    "ARCHIVE_RETRY_BACKOFF_MAX": 60.0,
    "ARCHIVE_RETRY_AFTER_MAX": 120.0,
    "ARCHIVE_TRAP_GUARD_ENABLED": True,
    "ARCHIVE_TRAP_MAX_URL_LENGTH": 2048,
    "ARCHIVE_TRAP_MAX_PATH_SEGMENTS": 16,
    "ARCHIVE_TRAP_MAX_SEGMENT_REPEATS": 3,
    "ARCHIVE_TRAP_MAX_QUERY_PARAMS": 12,
    "ARCHIVE_TRAP_MAX_QUERY_SHAPES": 30,
    "ARCHIVE_TRAP_FUTURE_DAYS": 31,
    "ARCHIVE_TRAP_EARLIEST_YEAR": 1990,
    "ARCHIVE_TRAP_EMPTY_DATE_PAGES": 2,
    "ARCHIVE_HTTP_PROXY": "",
}


class ResilienceAddon:
    """Registers the fault-handling components; every threshold is an ``ARCHIVE_*`` setting."""

    def update_settings(self, settings: BaseSettings) -> None:
        for name, value in DEFAULTS.items():
            settings.setdefault(name, value)
        for path, priority in DOWNLOADER_MIDDLEWARES.items():
            settings["DOWNLOADER_MIDDLEWARES"][path] = priority
        settings["EXTENSIONS"]["crawler.limits.BodySizeCap"] = 0
        # Keeps CONCURRENT_REQUESTS_PER_DOMAIN with DOWNLOAD_DELAY = 0 (see crawler/downloader.py).
        settings.set("DOWNLOADER", "crawler.downloader.HostCappedDownloader", priority="addon")
        # Keep what a dropped connection delivered (archived as truncated) instead of raising.
        settings.set("DOWNLOAD_FAIL_ON_DATALOSS", False, priority="addon")
