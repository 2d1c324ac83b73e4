"""Incremental and resumed crawls, driven by what the archive already holds.

For a URL archived before, the request carries If-None-Match / If-Modified-Since from the newest full
response. A 304 answer is recorded by the recorder as a server-not-modified revisit; this middleware then
gives the spider the archived response instead, so links are followed exactly as on a first crawl.
With ``ARCHIVE_RESUME_RUN`` set, URLs that run already archived are answered from the archive without any
request at all: a crawl killed half-way goes on where it stopped and fetches nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from archive.collection import database_path, warc_directory
from archive.db.prior_captures import PriorCapture, captures_in_run, load_prior_captures, open_if_exists
from archive.warc.reader import read_record_at, record_http_payload, resolve_warc_path

logger = logging.getLogger(__name__)

PRIOR_META_KEY = "archive_prior"
ADDED_HEADERS_META_KEY = "archive_conditional_headers"
NO_CONDITIONS_META_KEY = "archive_no_conditions"
FROM_ARCHIVE_FLAG = "from-archive"
NOT_MODIFIED_FLAG = "not-modified"
# Headers that describe the stored bytes rather than the resource: the replayed body is already decoded.
_DROPPED_ON_REPLAY = {b"content-encoding", b"content-length", b"transfer-encoding"}


@dataclass
class ArchiveMemory:
    """What one crawl knows of the archive it writes into, loaded once when the spider opens."""

    priors: dict[str, PriorCapture] = field(default_factory=dict)
    # URL -> what the resumed run archived for it (a redirect or a 404 as well as a page); None: revisits only
    resumed: dict[str, PriorCapture | None] = field(default_factory=dict)


class IncrementalMiddleware:
    """Downloader middleware (after HttpProxyMiddleware, before HttpCompressionMiddleware on the way back)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_INCREMENTAL_ENABLED"):
            raise NotConfigured("ARCHIVE_INCREMENTAL_ENABLED is off")
        self.crawler = crawler
        self.collection = settings.get("ARCHIVE_DIR")
        self.resume_run = settings.get("ARCHIVE_RESUME_RUN")
        self.memory = ArchiveMemory()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        from pathlib import Path

        db = open_if_exists(database_path(Path(self.collection)))
        if db is None:
            return
        try:
            self.memory.priors = load_prior_captures(db)
            if self.resume_run:
                self.memory.resumed = captures_in_run(db, self.resume_run)
        finally:
            db.close()
        logger.info(
            "Archive holds %d URLs; resuming %s with %d already archived",
            len(self.memory.priors),
            self.resume_run or "no run",
            len(self.memory.resumed),
        )

    def process_request(self, request: Request) -> Response | None:
        # A redirect copies the previous request's meta and headers: what was added for that URL goes first.
        self._forget_conditions(request)
        if request.meta.get(NO_CONDITIONS_META_KEY):
            return None
        prior = self.memory.priors.get(request.url)
        if request.url in self.memory.resumed:
            in_run = self.memory.resumed[request.url] or prior
            archived = self._archived_or_none(in_run, request) if in_run is not None else None
            if archived is not None:
                self.crawler.stats.inc_value("incremental/resumed_from_archive")
                return archived
            # the archived copy cannot be read: fetch it again
        if prior is None:
            return None
        request.meta[PRIOR_META_KEY] = prior
        added = []
        if prior.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = prior.etag
            added.append("If-None-Match")
        if prior.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = prior.last_modified
            added.append("If-Modified-Since")
        request.meta[ADDED_HEADERS_META_KEY] = added
        self.crawler.stats.inc_value("incremental/conditional_requests")
        return None

    def process_response(self, request: Request, response: Response) -> Response | Request:
        prior = request.meta.get(PRIOR_META_KEY)
        if response.status != 304 or prior is None or prior.url != request.url:
            return response
        self.crawler.stats.inc_value("incremental/not_modified")
        archived = self._archived_or_none(prior, request)
        if archived is not None:
            archived.flags.append(NOT_MODIFIED_FLAG)
            return archived
        # The 304 is archived as a revisit, but the copy it refers to cannot be read: ask again, plainly.
        self.crawler.stats.inc_value("failures/archived_copy_unreadable")
        retry = request.replace(dont_filter=True)
        self._forget_conditions(retry)
        retry.meta[NO_CONDITIONS_META_KEY] = True
        return retry

    @staticmethod
    def _forget_conditions(request: Request) -> None:
        for name in request.meta.pop(ADDED_HEADERS_META_KEY, ()):
            request.headers.pop(name.encode("latin-1"), None)
        request.meta.pop(PRIOR_META_KEY, None)

    def _archived_or_none(self, prior: PriorCapture, request: Request) -> Response | None:
        try:
            return self._archived_response(prior, request)
        except Exception:  # a moved or damaged WARC file must cost one refetch, never the page
            logger.warning("Archived copy of %s unreadable; fetching it again", request.url, exc_info=True)
            return None

    def _archived_response(self, prior: PriorCapture, request: Request) -> Response:
        """The archived response, decoded, as the spider would have seen it live."""
        from pathlib import Path

        path = resolve_warc_path(warc_directory(Path(self.collection)), prior.warc_filename)
        record = read_record_at(path, prior.warc_offset)
        headers = Headers()
        for name, value in record.http_headers.headers:
            key = name.encode("latin-1")
            if key.lower() not in _DROPPED_ON_REPLAY:
                headers.appendlist(key, value.encode("latin-1"))
        body = record_http_payload(record)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(
            url=request.url,
            status=prior.status,
            headers=headers,
            body=body,
            request=request,
            flags=[FROM_ARCHIVE_FLAG],
        )
