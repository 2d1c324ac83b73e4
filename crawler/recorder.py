"""The archive recorder: every fetch into WARC files, and each record into the SQLite archive as it lands.

It listens to ``response_downloaded``, which fires for robots.txt, every redirect hop, retries and error
responses alike, before any middleware has decoded the body. The location of the record just written goes
to a process of its own (:class:`archive.live_store.LiveIngestProcess`): its worker reads the record back
from disk and prepares its rows as a rebuild does (extraction on a per-page clock), and it stores them in
batches, so the crawl waits neither for extraction nor for SQLite, and the live database and a rebuilt
one agree.
"""

from __future__ import annotations

import json
import logging
import socket
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from warcio.recordloader import ArcWarcRecord

from archive.collection import CollectionLock, database_path, prepare_collection, warc_directory
from archive.db.prior_captures import PriorCapture
from archive.db.schema import open_archive
from archive.ingest_workers import DEFAULT_EXTRACTOR, DEFAULT_PAGE_SECONDS, IngestBudget
from archive.live_store import DEFAULT_NICENESS, LiveIngestProcess
from archive.rebuild import ingest_then_site_pass
from archive.warc.digests import payload_digest
from archive.warc.records import (
    build_metadata_record,
    build_request_record,
    build_response_record,
    build_revisit_record,
    new_record_id,
    warc_date_now,
)
from archive.warc.writer import RecordLocation, RotatingWarcWriter
from crawler.crawl_context import crawl_warcinfo_fields, run_stats_uri
from crawler.http_capture import request_data, response_data, truncation_reason
from crawler.incremental import PRIOR_META_KEY

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how often records are handed to the store process and its counts taken in


class ArchiveRecorder:
    """Writes request/response record pairs and ingests them; one instance per crawl."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.collection = Path(settings.get("ARCHIVE_DIR"))
        self.warc_dir = warc_directory(self.collection)
        self.db_path = database_path(self.collection)
        self.ingest_enabled = settings.getbool("ARCHIVE_INGEST_ENABLED")
        self.run_id = settings.get("ARCHIVE_RUN_ID") or str(uuid.uuid4())
        crawler.stats.set_value("archive/run_id", self.run_id)
        self.started = datetime.now(UTC)
        self.writer: RotatingWarcWriter | None = None
        self.live: LiveIngestProcess | None = None
        self._poller: task.LoopingCall | None = None
        self.failed = False
        self._files_ingested: set[str] = set()
        # One crawl per collection; a second one fails here, before it has written anything.
        self.lock = CollectionLock(self.collection)
        self.lock.acquire()
        prepared = prepare_collection(self.collection)
        crawler.stats.set_value("archive/recovered_files", len(prepared.recovered_files))
        crawler.stats.set_value("archive/caught_up_files", len(prepared.caught_up_files))
        # Damaged stretches in the files caught up: the command line exits with the damage status.
        crawler.stats.set_value("archive/damaged_regions", len(prepared.damage))
        if prepared.recovered_files:
            logger.warning(
                "Recovered WARC files left open by an interrupted crawl: %s (cut: %s)",
                ", ".join(prepared.recovered_files),
                ", ".join(prepared.refetch_urls) or "nothing",
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        fields = crawl_warcinfo_fields(
            run_id=self.run_id,
            spider=spider.name,
            seeds=list(getattr(spider, "start_urls", [])),
            settings=_content_settings(self.crawler),
            collection=self.collection.name,
            site=getattr(spider, "site", None),
        )
        fsync = self.crawler.settings.getbool("WARC_FSYNC", True)
        self.writer = RotatingWarcWriter(
            self.warc_dir,
            prefix=self.crawler.settings.get("WARC_PREFIX"),
            max_file_size=self.crawler.settings.getint("WARC_MAX_SIZE"),
            warcinfo_fields=fields,
            hostname=socket.gethostname(),
            # On disk before the database points at it: after a power cut the WARC file, the truth, is
            # never behind the rows made from it. With live ingest that is one fsync before each batch
            # of rows is committed (LiveIngest's before_commit) rather than one per record.
            fsync=fsync and not self.ingest_enabled,
        )
        if self.ingest_enabled:
            self.live = LiveIngestProcess(
                self.db_path,
                self.warc_dir,
                workers=self._ingest_workers(),
                budget=self._budget(),
                fsync=fsync,
                niceness=self.crawler.settings.getint("ARCHIVE_INGEST_NICENESS", DEFAULT_NICENESS),
            )
            self._poller = task.LoopingCall(self._store_ingested)
            self._poller.start(POLL_SECONDS, now=False)
        logger.info("Archiving run %s into %s", self.run_id, self.collection)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        """Record one exchange. Scrapy swallows a signal handler's exception, so a failure to write is
        turned into the end of the crawl here: a crawl that cannot archive must not go on fetching."""
        if self.failed:
            return
        try:
            self._record(response, request)
        except Exception:
            self.failed = True
            logger.exception("Cannot write %s to the WARC files; stopping the crawl", request.url)
            self.stats.inc_value("warc/write_errors")
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_write_failed"))

    def _record(self, response: Response, request: Request) -> None:
        assert self.writer is not None
        if "replay_miss" in response.flags:  # a replay's "not in the archive" answer: the site never sent it
            return
        date = warc_date_now()
        request_id = new_record_id()
        warcinfo_id = self.writer.current_warcinfo_id
        request_record = build_request_record(
            request_data(request), warc_date=date, record_id=request_id, warcinfo_id=warcinfo_id
        )
        response_record = self._response_or_revisit(response, request, date, request_id, warcinfo_id)
        locations = self.writer.write_many([request_record, response_record])
        self.stats.inc_value("warc/records", len(locations))
        self.stats.inc_value("warc/bytes", sum(loc.length for loc in locations))
        self.stats.inc_value(f"warc/{response_record.rec_type}/{response.status}")
        self._ingest(locations)

    def _response_or_revisit(
        self, response: Response, request: Request, date: str, request_id: str, warcinfo_id: str
    ) -> ArcWarcRecord:
        """A revisit when the archive already holds this payload (304, or the same bytes again)."""
        data = response_data(response)
        prior: PriorCapture | None = request.meta.get(PRIOR_META_KEY)
        if prior is not None and prior.url == request.url:
            profile = None
            if response.status == 304:
                profile = "server-not-modified"
            elif response.status == prior.status and payload_digest(response.body) == prior.payload_digest:
                profile = "identical-payload-digest"
            if profile is not None:
                return build_revisit_record(
                    data,
                    profile=profile,
                    refers_to=prior.record_id,
                    refers_to_target_uri=prior.url,
                    refers_to_date=prior.fetched_at,
                    payload_digest=prior.payload_digest,
                    warc_date=date,
                    concurrent_to=request_id,
                    warcinfo_id=warcinfo_id,
                )
        return build_response_record(
            data,
            warc_date=date,
            concurrent_to=request_id,
            warcinfo_id=warcinfo_id,
            truncated=truncation_reason(response),
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None:
            self.lock.release()
            return
        if self.live is not None:
            # Every record of the crawl stored before the run's statistics are written down.
            self._count(self.live.flush())
            self._count_failures()
        stats = _json_safe(self.stats.get_stats())
        body = {
            "run_id": self.run_id,
            "spider": spider.name,
            "finish_reason": reason,
            "started": self.started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "stats": stats,
        }
        record = build_metadata_record(
            run_stats_uri(self.run_id),
            body,
            warc_date=warc_date_now(),
            warcinfo_id=self.writer.current_warcinfo_id,
        )
        locations = self.writer.write_many([record])
        self._ingest(locations)
        self.writer.close()
        if self.live is not None:
            if self._poller is not None and self._poller.running:
                self._poller.stop()
            self._count(self.live.close())
            self._count_failures()
            # A record whose live ingest failed is still in the WARC file: ingest this run's files again
            # (idempotent), so the database does not stay behind until the next rebuild.
            again = [(path, 0) for path in self.writer.files_written] if self.live.failures else []
            db = open_archive(self.db_path)
            try:
                run = ingest_then_site_pass(db, again, workers=self._ingest_workers(), budget=self._budget())
            finally:
                db.close()
            self.stats.set_value("ingest/site_repeats_changed", run.site_repeats_changed)
        self.lock.release()
        logger.info("Closed WARC files: %s", ", ".join(p.name for p in self.writer.files_written))

    def _ingest(self, locations: list[RecordLocation]) -> None:
        """Queue each record for ingest: read back from disk by a worker, the same path as a rebuild.

        The writer opens each file with its own warcinfo record; that record is ingested before the first
        record of the file, so the live database holds the crawl context a rebuild would find.
        """
        if self.live is None:
            return
        queued: list[RecordLocation] = []
        for location in locations:
            if location.filename not in self._files_ingested:
                # The warcinfo fills the file up to the first record the recorder wrote.
                self._files_ingested.add(location.filename)
                queued.append(RecordLocation(location.filename, 0, location.offset))
            queued.append(location)
        self.live.submit(queued)

    def _store_ingested(self) -> None:
        """Hand over what waits and count what the store process has finished (on a timer: per
        response it was a write and a poll on the pipes each, a tenth of the recorder's time)."""
        if self.live is None:
            return
        try:
            self._count(self.live.poll())
            self._count_failures()
        except Exception as exc:  # the WARC files are safe; the database can be rebuilt from them
            logger.exception("Live ingest failed; the WARC files keep every record")
            self.live.failures.append(f"{type(exc).__name__}: {exc}")
            self._count_failures()

    def _count(self, actions: Counter[str]) -> None:
        for action, count in actions.items():
            self.stats.inc_value(f"ingest/{action}", count)

    def _count_failures(self) -> None:
        assert self.live is not None
        self.stats.set_value("ingest/errors", len(self.live.failures))
        self.stats.set_value("ingest/pages_over_budget", self.live.counts.pages_lost)

    def _ingest_workers(self) -> int:
        return self.crawler.settings.getint("ARCHIVE_INGEST_WORKERS", 1)

    def _budget(self) -> IngestBudget:
        settings = self.crawler.settings
        return IngestBudget(
            page_seconds=settings.getfloat("ARCHIVE_PAGE_SECONDS", DEFAULT_PAGE_SECONDS),
            extractor=settings.get("ARCHIVE_EXTRACTOR") or DEFAULT_EXTRACTOR,
        )


_CONTENT_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DEPTH_LIMIT",
    "CLOSESPIDER_PAGECOUNT",
    "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_TIMEOUT",
    "DEFAULT_REQUEST_HEADERS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "RETRY_TIMES",
    "WARC_MAX_SIZE",
    "ARCHIVE_INCREMENTAL_ENABLED",
    "ARCHIVE_RESUME_RUN",
    "ARCHIVE_SITE",
    "ARCHIVE_AS_OF",
    "ARCHIVE_REVISIT_POLICY",
    "ARCHIVE_REVISIT_MIN_DAYS",
    "ARCHIVE_REVISIT_MAX_DAYS",
    "ARCHIVE_REVISIT_MEDIA_MAX_DAYS",
    "ARCHIVE_REVISIT_MAX_PER_RUN",
    "REPLAY_INDEX",
    "ARCHIVE_MAX_BODY_SIZE",
    "ARCHIVE_RETRY_BACKOFF",
    "ARCHIVE_RETRY_AFTER_MAX",
    "DOWNLOAD_FAIL_ON_DATALOSS",
)


def _content_settings(crawler: Crawler) -> dict[str, Any]:
    """The settings that change what gets fetched or how it is recorded."""
    settings = crawler.settings
    values: dict[str, Any] = {}
    for name in _CONTENT_SETTINGS:
        value = settings.get(name)
        if hasattr(value, "copy_to_dict"):
            value = value.copy_to_dict()
        values[name] = value
    return _json_safe(values)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))
