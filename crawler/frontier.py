"""The crawl frontier on disk: Scrapy's JOBDIR, kept in the collection and trusted only after a clean stop.

With ``JOBDIR`` set, Scrapy keeps the queue of pending requests and the fingerprints of every URL seen on disk,
so memory stays flat however large the site is, and a crawl stopped cleanly (Ctrl-C once, SIGTERM, a
scheduler's cancel) continues exactly where it was, each request with its own depth and priority.

A process killed outright leaves queues whose bookkeeping was never written. So a marker file exists while a
crawl runs; a frontier that still has it was left by a killed process and is discarded: the next
``--resume`` walks the site again from its start URLs, answering every page the run archived from the archive
itself (``crawler.incremental``), which loses nothing and fetches nothing twice. A new (not resumed) run
always starts from an empty frontier, and a run that finishes removes its frontier.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

FRONTIER_FOLDER = "frontier"
RUNNING_MARKER = "crawl-running"


def frontier_directory(collection: Path) -> Path:
    return collection / FRONTIER_FOLDER


def open_frontier(jobdir: Path, *, resume: bool) -> bool:
    """Make ``jobdir`` ready for a crawl; True when it holds a cleanly stopped run's frontier to continue."""
    marker = jobdir / RUNNING_MARKER
    if jobdir.exists() and (not resume or marker.exists()):
        if resume:
            logger.warning(
                "Frontier in %s was left by a killed crawl; walking again from the archive", jobdir
            )
        shutil.rmtree(jobdir)
    jobdir.mkdir(parents=True, exist_ok=True)
    continued = any(path.name != RUNNING_MARKER for path in jobdir.iterdir())
    marker.touch()
    return continued


def close_frontier(jobdir: Path, *, finished: bool) -> None:
    """A finished crawl needs no frontier; one stopped early keeps it for ``--resume``."""
    if finished:
        shutil.rmtree(jobdir, ignore_errors=True)
    else:
        (jobdir / RUNNING_MARKER).unlink(missing_ok=True)


class FrontierKeeper:
    """Extension: opens the JOBDIR frontier before the scheduler reads it, and closes it after the crawl."""

    def __init__(self, jobdir: Path, stats: StatsCollector, resume: bool) -> None:
        self.jobdir = jobdir
        self.stats = stats
        continued = open_frontier(jobdir, resume=resume)
        stats.set_value("frontier/continued", continued)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierKeeper:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir or not crawler.settings.getbool("ARCHIVE_FRONTIER_ON_DISK", True):
            raise NotConfigured  # no message: a frontier in memory is a choice, not a problem
        keeper = cls(Path(jobdir), crawler.stats, resume=bool(crawler.settings.get("ARCHIVE_RESUME_RUN")))
        # After the scheduler has written its queue state (engine close), so the frontier on disk is whole.
        crawler.signals.connect(keeper.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(keeper.spider_closed, signal=signals.spider_closed)
        return keeper

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def engine_stopped(self) -> None:
        close_frontier(self.jobdir, finished=getattr(self, "reason", None) == "finished")
