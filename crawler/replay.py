"""Offline replay: a download handler that answers every request from WARC files instead of the network.

Installed for ``http`` and ``https`` (``DOWNLOAD_HANDLERS``), it sits where the network would be, so every
downloader middleware (robots.txt, redirects, HttpCompressionMiddleware decoding the still-encoded body)
and the ``response_downloaded`` signal the recorder listens to work exactly as in a live crawl. Each URL
gets its latest capture; anything the archive does not hold gets a 404 flagged ``replay_miss``, which
the site never sent and which a recorder should therefore not archive.
"""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from archive.warc.index import CdxjIndex
from archive.warc.playback import ArchivePlayback, StoredResponse

logger = logging.getLogger(__name__)

REPLAYED_FLAG = "replayed"
MISS_FLAG = "replay_miss"
CAPTURE_META_KEY = "replay_capture"
MISS_BODY = b"404 not in archive\n"


def replay_settings(index_path: Path) -> dict[str, Any]:
    """Settings that turn a crawl into a replay of the WARC files indexed at ``index_path``.

    Nothing goes to the network, so there is no address to guard, no politeness delay to keep and no
    transient failure worth retrying (a retry would only replay the same capture again)."""
    handler = "crawler.replay.ReplayDownloadHandler"
    return {
        "REPLAY_INDEX": str(index_path),
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "ADDRESS_GUARD_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_ENABLED": False,
    }


def _scrapy_headers(pairs: list[tuple[str, str]]) -> Headers:
    """Repeated headers (Set-Cookie, Link) keep every value; values go back to the bytes stored."""
    grouped: dict[str, list[bytes]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value.encode("latin-1", "replace"))
    return Headers(grouped)


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value) if value else None
    except ValueError:
        return None


class ReplayDownloadHandler(BaseDownloadHandler):
    """Download handler backed by a CDXJ index (``REPLAY_INDEX``) of WARC files."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        index_path = crawler.settings.get("REPLAY_INDEX")
        if not index_path:
            raise NotConfigured("REPLAY_INDEX is not set")
        self.playback = ArchivePlayback(CdxjIndex(Path(index_path)))
        self.stats = crawler.stats
        logger.info("Replaying %d captures from %s", len(self.playback.index), index_path)

    async def download_request(self, request: Request) -> Response:
        stored = self.playback.response_for(request.url)
        if stored is None:
            self.stats.inc_value("replay/misses")
            return Response(
                request.url,
                status=404,
                headers=Headers({"Content-Type": "text/plain; charset=utf-8"}),
                body=MISS_BODY,
                flags=[MISS_FLAG],
            )
        self.stats.inc_value("replay/hits")
        request.meta[CAPTURE_META_KEY] = _capture_meta(stored)
        return self._response(request, stored)

    @staticmethod
    def _response(request: Request, stored: StoredResponse) -> Response:
        headers = _scrapy_headers(stored.headers)
        respcls = responsetypes.from_args(headers=headers, url=request.url, body=stored.body)
        return respcls(
            url=request.url,
            status=stored.status,
            headers=headers,
            body=stored.body,
            flags=[REPLAYED_FLAG],
            ip_address=_ip(stored.ip_address),
            protocol=stored.protocol,
        )


def _capture_meta(stored: StoredResponse) -> dict[str, Any]:
    """Where the replayed answer came from, for a recorder that wants to say so."""
    return {
        "record_id": stored.record_id,
        "warc_date": stored.warc_date,
        "filename": stored.capture.filename,
        "offset": stored.capture.offset,
    }
