"""Run one crawl into a collection folder, from code (the CLI) rather than from `scrapy crawl`.

A collection is a folder: ``archive/*.warc.gz`` (the source of truth) and ``archive.db`` (rebuildable).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.sites import get_site
from crawler.spiders.minzu import MinzuSpider

# The site model answers on loopback in milliseconds: politeness delays would only slow the demo down.
# Nothing else differs from a crawl of the real site (no lower caps, the same trap rules, the same scope).
DEMO_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "ARCHIVE_RETRY_BACKOFF": 0.2,
    "AUTOTHROTTLE_START_DELAY": 0.0,
    "AUTOTHROTTLE_MAX_DELAY": 0.25,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
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


def resume_settings(collection: Path) -> dict[str, Any]:
    """Settings that continue the collection's newest run if it did not finish, else nothing."""
    from archive.collection import database_path
    from archive.db.prior_captures import latest_run, open_if_exists

    db = open_if_exists(database_path(collection))
    if db is None:
        return {}
    try:
        run = latest_run(db)
    finally:
        db.close()
    if run is None or run[1]:
        return {}
    # The resumed run keeps its id, so a run interrupted twice still knows everything it archived.
    return {"ARCHIVE_RESUME_RUN": run[0], "ARCHIVE_RUN_ID": run[0]}


def run_crawl(
    collection: Path,
    *,
    start_urls: Sequence[str] | None = None,
    allowed_domains: Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
    proxy_url: str | None = None,
    resume: bool = False,
    site: str | None = None,
) -> dict[str, Any]:
    """Crawl into `collection` and return Scrapy's final stats. Blocks until the crawl ends.

    With `resume` the newest unfinished run is continued without fetching what it already archived.
    Locking and mending the collection is the recorder's job, so `scrapy crawl` and Scrapyd get it too.
    """
    from archive.collection import CollectionLock

    collection.mkdir(parents=True, exist_ok=True)
    with CollectionLock(collection):  # fail early and clearly; the recorder holds the lock while it crawls
        pass
    settings_overrides = dict(overrides or {})
    if resume:
        settings_overrides.update(resume_settings(collection))
    if proxy_url:
        # A setting, not the environment: every request (robots.txt included, https too) takes the proxy,
        # and `scrapy crawl` or Scrapyd given the same setting behave the same way.
        settings_overrides["ARCHIVE_HTTP_PROXY"] = proxy_url
    if site:
        settings_overrides["ARCHIVE_SITE"] = site
    settings = crawl_settings(collection, settings_overrides)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(MinzuSpider)
    start = list(start_urls or get_site(settings.get("ARCHIVE_SITE") or None).start_urls)
    process.crawl(crawler, start_urls=start, allowed_domains=list(allowed_domains or []))
    process.start()
    stats = dict(crawler.stats.get_stats() if crawler.stats else {})
    stats["archive/resumed_run"] = settings_overrides.get("ARCHIVE_RESUME_RUN")
    return stats
