"""The add-on that switches the archive stack on for any Scrapy project.

Adding ``"crawler.addon.ArchiveAddon": 0`` to ``ADDONS`` records every fetch to WARC files, ingests each
record into the SQLite archive as it is written, and refuses requests to private addresses. Each part still
has its own ``*_ENABLED`` setting, so a project can keep the WARC files and skip the database.
"""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import BaseSettings

from archive.sites import get_site
from crawler.frontier import frontier_directory

# Only the encodings that WARC readers and replay tools can decode (no br, no zstd).
ARCHIVE_ACCEPT_ENCODING = "gzip, deflate"


class ArchiveAddon:
    """Registers the recorder extension and the safety middleware, and sets archive-friendly defaults."""

    def update_settings(self, settings: BaseSettings) -> None:
        settings.setdefault("WARC_ENABLED", True)
        settings.setdefault("ARCHIVE_INGEST_ENABLED", True)
        settings.setdefault("ARCHIVE_DIR", "collections/default")
        site = get_site(settings.get("ARCHIVE_SITE") or None)
        settings.setdefault("WARC_PREFIX", site.warc_prefix)
        settings.set("USER_AGENT", site.user_agent, priority="addon")  # below project and command line
        settings.setdefault("WARC_MAX_SIZE", 1_000_000_000)
        settings.setdefault("ADDRESS_GUARD_ENABLED", True)
        settings.setdefault("ADDRESS_GUARD_ALLOWED", [])
        settings.setdefault("ARCHIVE_INCREMENTAL_ENABLED", True)
        # Re-crawls follow the revisit schedule (crawler/revisits.py); "all" re-asks every archived page.
        settings.setdefault("ARCHIVE_REVISIT_POLICY", "schedule")
        settings.setdefault("ARCHIVE_REVISIT_MAX_PER_RUN", 5000)
        settings.setdefault("ARCHIVE_AS_OF", None)
        settings.setdefault("ARCHIVE_RESUME_RUN", None)
        settings["EXTENSIONS"]["crawler.recorder.ArchiveRecorder"] = 0
        # The frontier on disk, inside the collection (see crawler/frontier.py).
        if not settings.get("JOBDIR") and settings.getbool("ARCHIVE_FRONTIER_ON_DISK", True):
            settings.set("JOBDIR", str(frontier_directory(Path(settings["ARCHIVE_DIR"]))), priority="addon")
        settings["EXTENSIONS"]["crawler.frontier.FrontierKeeper"] = 10
        settings.setdefault("ARCHIVE_PROGRESS", "auto")
        settings["EXTENSIONS"]["crawler.progress.CrawlProgress"] = 20
        settings["DOWNLOADER_MIDDLEWARES"]["crawler.safety.AddressGuardMiddleware"] = 760
        # After HttpProxyMiddleware (750) on the way out; before HttpCompressionMiddleware (590) on the way back.
        settings["DOWNLOADER_MIDDLEWARES"]["crawler.incremental.IncrementalMiddleware"] = 900
        headers = dict(settings.getdict("DEFAULT_REQUEST_HEADERS"))
        headers["Accept-Encoding"] = ARCHIVE_ACCEPT_ENCODING
        headers["Accept-Language"] = "zh-CN,zh;q=0.9,en;q=0.5"
        settings.set("DEFAULT_REQUEST_HEADERS", headers, priority="addon")
