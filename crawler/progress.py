"""A live status line for long crawls: responses, queue, rate, errors, elapsed time.

A crawl of the whole site takes hours at a polite rate; the line says it is alive and how far it is. It is
drawn only on a terminal (``ARCHIVE_PROGRESS = "auto"``), so cron mails and Scrapyd logs stay plain text.
tqdm draws it; the figures come from Scrapy's own statistics, so nothing here reaches into the engine.
"""

from __future__ import annotations

import shutil
import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from tqdm import tqdm
from twisted.internet import task

REFRESH_SECONDS = 1.0


def wants_progress(setting: Any, stream: Any = None) -> bool:
    """``auto`` means: only when the status line's stream is a terminal."""
    if isinstance(setting, str) and setting.strip().lower() == "auto":
        stream = stream or sys.stderr
        return bool(getattr(stream, "isatty", lambda: False)())
    return str(setting).strip().lower() in {"1", "true", "yes", "on"}


def queue_length(stats: dict[str, Any]) -> int:
    return int(stats.get("scheduler/enqueued", 0)) - int(stats.get("scheduler/dequeued", 0))


def error_count(stats: dict[str, Any]) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith("failures/"))


class CrawlProgress:
    """Extension: refreshes a tqdm line once a second while the spider runs."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.bar: tqdm | None = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        if not wants_progress(crawler.settings.get("ARCHIVE_PROGRESS", "auto")):
            raise NotConfigured  # no message: a log that is not a terminal is the normal case
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        # A terminal that reports no size (0 x 0, e.g. a pseudo-terminal nobody sized) gets 100 x 20:
        # tqdm would otherwise draw nothing at all.
        size = shutil.get_terminal_size((100, 20))
        self.bar = tqdm(
            desc="crawl",
            unit=" responses",
            ncols=size.columns,
            nrows=size.lines or 20,
            leave=False,
            file=sys.stderr,
        )
        self.loop = task.LoopingCall(self.refresh)
        self.loop.start(REFRESH_SECONDS, now=True)

    def refresh(self) -> None:
        if self.bar is None or self.crawler.stats is None:
            return
        stats = self.crawler.stats.get_stats()
        done = int(stats.get("downloader/response_count", 0)) + int(
            stats.get("incremental/resumed_from_archive", 0)
        )
        self.bar.update(done - self.bar.n)
        self.bar.set_postfix(queue=queue_length(stats), errors=error_count(stats), refresh=True)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.bar is not None:
            self.bar.close()
