"""Run one crawl into a collection folder, from code (the CLI) rather than from `scrapy crawl`.

A collection is a folder: ``archive/*.warc.gz`` (the source of truth) and ``archive.db`` (rebuildable).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders.minzu import MinzuSpider

# The site model answers on loopback in milliseconds: politeness delays would only slow the demo down.
DEMO_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0.0,
    "AUTOTHROTTLE_MAX_DELAY": 0.25,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "CLOSESPIDER_PAGECOUNT": 1000,
    "LOG_LEVEL": "WARNING",
}


def crawl_settings(collection: Path, overrides: dict[str, Any] | None = None) -> Settings:
    """Project settings (crawler/settings.py) with the collection paths and any overrides applied."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DIR", str(collection), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


@contextmanager
def http_proxy(proxy_url: str | None) -> Iterator[None]:
    """Route every plain-HTTP request of the crawl, robots.txt included, through one proxy.

    Scrapy's HttpProxyMiddleware reads the environment when the crawler starts, so this must wrap the
    whole crawl; a proxy in one request's meta would miss the requests Scrapy makes by itself.
    """
    if proxy_url is None:
        yield
        return
    saved = {name: os.environ.get(name) for name in ("http_proxy", "HTTP_PROXY")}
    os.environ["http_proxy"] = os.environ["HTTP_PROXY"] = proxy_url
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_crawl(
    collection: Path,
    *,
    start_urls: Sequence[str] | None = None,
    allowed_domains: Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
    proxy_url: str | None = None,
) -> dict[str, Any]:
    """Crawl into `collection` and return Scrapy's final stats. Blocks until the crawl ends."""
    collection.mkdir(parents=True, exist_ok=True)
    settings = crawl_settings(collection, overrides)
    with http_proxy(proxy_url):
        process = CrawlerProcess(settings, install_root_handler=True)
        crawler = process.create_crawler(MinzuSpider)
        process.crawl(crawler, start_urls=list(start_urls or []), allowed_domains=list(allowed_domains or []))
        process.start()
    return dict(crawler.stats.get_stats() if crawler.stats else {})
