"""Answer a URL from WARC files: the HTTP response its latest capture recorded, ready to hand to a crawler.

The body comes back as it was received (still content-encoded, never chunked), so whatever consumes it
decodes it as it would a live one. A revisit is joined to the record it refers to: an identical-payload
revisit keeps its own status and headers with the original body; a server-not-modified revisit (a 304
to a conditional request) gives the original response, since a replay never asks conditionally.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord

from .index import Capture, CdxjIndex
from .reader import WarcReadError, iter_records, read_record_at

NOT_MODIFIED = "server-not-modified"


@dataclass(frozen=True)
class StoredResponse:
    """An HTTP response as archived, plus where it came from."""

    url: str
    status: int
    protocol: str
    headers: list[tuple[str, str]]
    body: bytes
    ip_address: str | None
    warc_date: str
    record_id: str
    capture: Capture


def _without_chunking(headers: list[tuple[str, str]], body: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """Foreign WARCs may store a chunked body verbatim; hand it over de-chunked, as a live client would."""
    chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)
    if not chunked:
        return headers, body
    kept = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
    return kept, ChunkedDataReader(io.BytesIO(body)).read()


class ArchivePlayback:
    """Look URLs up in a CDXJ index and read their records from the indexed WARC files."""

    def __init__(self, index: CdxjIndex) -> None:
        self.index = index

    def response_for(self, url: str) -> StoredResponse | None:
        """The latest capture of ``url``, or None when the archive does not hold it (or only a revisit
        whose original is missing)."""
        capture = self.index.latest(url)
        if capture is None:
            return None
        record = self._read(capture)
        if record.rec_type != "revisit":
            return self._stored(capture, record, record)
        original = self._original(record)
        if original is None:
            return None
        profile = record.rec_headers.get_header("WARC-Profile") or ""
        headers_from = original if profile.endswith(NOT_MODIFIED) else record
        return self._stored(capture, headers_from, original)

    def _read(self, capture: Capture) -> ArcWarcRecord:
        return read_record_at(self.index.path_of(capture), capture.offset)

    def _original(self, revisit: ArcWarcRecord) -> ArcWarcRecord | None:
        headers = revisit.rec_headers
        target = headers.get_header("WARC-Refers-To-Target-URI") or headers.get_header("WARC-Target-URI")
        date = headers.get_header("WARC-Refers-To-Date") or headers.get_header("WARC-Date")
        timestamp = "".join(ch for ch in date if ch.isdigit())[:14]
        found = self.index.original_of(target, timestamp, headers.get_header("WARC-Payload-Digest"))
        return self._read(found) if found is not None else None

    @staticmethod
    def _stored(capture: Capture, head: ArcWarcRecord, payload: ArcWarcRecord) -> StoredResponse:
        http = head.http_headers
        body = payload.raw_stream.read()
        headers, body = _without_chunking(list(http.headers), body)
        rec = head.rec_headers
        return StoredResponse(
            url=rec.get_header("WARC-Target-URI"),
            status=int(http.get_statuscode()),
            protocol=http.protocol or "HTTP/1.1",
            headers=headers,
            body=body,
            ip_address=rec.get_header("WARC-IP-Address"),
            warc_date=rec.get_header("WARC-Date"),
            record_id=rec.get_header("WARC-Record-ID"),
            capture=capture,
        )


def recorded_seeds(warc_paths: Iterable[Path]) -> list[str]:
    """The seeds the crawls that wrote ``warc_paths`` started from, as their warcinfo records say."""
    seeds: dict[str, None] = {}
    for path in warc_paths:
        try:
            for _, record in iter_records(path):
                if record.rec_type != "warcinfo":
                    break
                for line in record.raw_stream.read().decode("utf-8", "replace").splitlines():
                    name, _, value = line.partition(":")
                    if name.strip() == "seeds":
                        seeds.update(dict.fromkeys(json.loads(value.strip())))
                break
        except (WarcReadError, ValueError):
            continue
    return list(seeds)
