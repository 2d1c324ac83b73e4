"""Build WARC/1.1 records from plain Python values.

The crawler hands over what it saw on the wire as strings and bytes (no Scrapy types), and this
module turns each exchange into warcio records that say exactly what was sent and received.
Serialization, digests and gzip members are left to warcio; what lives here are the choices warcio
cannot make for us: the request line, the percent-encoded target URI, honest length headers over a
body that arrived de-chunked, and the links between records.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Literal
from urllib.parse import urlsplit

from w3lib.url import safe_url_string
from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

WARC_VERSION = "WARC/1.1"
TRUNCATION_REASONS = frozenset({"length", "time", "disconnect", "unspecified"})
RevisitProfile = Literal["server-not-modified", "identical-payload-digest"]
REVISIT_PROFILES: dict[str, str] = {
    "identical-payload-digest": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    "server-not-modified": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}

_RECORD_BUILDER = RecordBuilder(warc_version=WARC_VERSION)

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class HttpRequestData:
    """One HTTP request as sent. Header values are ``str`` holding the raw bytes decoded as latin-1
    (the convention of http.client), so that any byte sequence survives the trip into the WARC."""

    method: str
    url: str
    headers: Headers = field(default_factory=list)
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponseData:
    """One HTTP response as received: ``body`` is what arrived after transfer decoding (de-chunked)
    but still content-encoded. Header values follow the same latin-1 convention as requests."""

    url: str
    status: int
    reason: str | None
    headers: Headers
    body: bytes
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None


class _RawHeaders(StatusAndHeaders):
    """HTTP headers serialized byte-for-byte.

    warcio percent-encodes any non-ASCII header value, which would change what the server said
    (a GBK file name in Content-Disposition, say). Values given as latin-1 text are written back as
    the original bytes; text that latin-1 cannot hold is written as UTF-8.
    """

    def to_ascii_bytes(self, filter_func=None) -> bytes:
        text = self.to_str(filter_func)
        try:
            return text.encode("latin-1") + b"\r\n"
        except UnicodeEncodeError:
            return text.encode("utf-8") + b"\r\n"


def new_record_id() -> str:
    """A fresh WARC-Record-ID, ``<urn:uuid:...>``."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_date_now() -> str:
    """The current time as a WARC/1.1 date: UTC with microseconds, e.g. 2026-11-29T05:30:01.123456Z."""
    return format_warc_date(datetime.now(UTC))


def format_warc_date(moment: datetime) -> str:
    """Format an aware (or naive UTC) datetime the way WARC/1.1 writes dates, always with microseconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def warc_target_uri(url: str, *, query_encoding: str = "utf-8") -> str:
    """Percent-encoded ASCII form of ``url``, without its fragment.

    Escapes already present are kept as they are (never encoded twice); a non-ASCII path is encoded
    as UTF-8 and a non-ASCII query string in ``query_encoding`` (GBK pages build GBK query strings).
    """
    without_fragment = url.split("#", 1)[0]
    return safe_url_string(without_fragment, encoding=query_encoding)


def request_target(url: str) -> str:
    """The origin-form request target of an already percent-encoded URL: path plus query string."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query or url.endswith("?"):
        target += "?" + parts.query
    return target


def host_header_value(url: str) -> str:
    """The Host header a client sends for ``url`` (the port only when it is not the scheme's default)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port is not None and parts.port != default_port:
        host += f":{parts.port}"
    return host


def _has_header(headers: Headers, name: str) -> bool:
    lowered = name.lower()
    return any(key.lower() == lowered for key, _ in headers)


def fix_length_headers(headers: Headers, body_length: int, *, always_declare_length: bool) -> Headers:
    """Make the length headers true for the body as stored.

    The body is stored de-chunked, so any Transfer-Encoding header is stale: it becomes
    X-Orig-Transfer-Encoding, or a replay tool would try to de-chunk it again. A Content-Length that
    disagrees with the stored body is kept as X-Orig-Content-Length and the true length is written.
    """
    fixed: Headers = []
    declared = [value.strip() for key, value in headers if key.lower() == "content-length"]
    length_is_true = bool(declared) and all(value == str(body_length) for value in declared)
    for key, value in headers:
        lowered = key.lower()
        if lowered == "transfer-encoding":
            fixed.append(("X-Orig-Transfer-Encoding", value))
        elif lowered == "content-length" and not length_is_true:
            fixed.append(("X-Orig-Content-Length", value))
        else:
            fixed.append((key, value))
    if not length_is_true and (declared or always_declare_length or body_length):
        fixed.append(("Content-Length", str(body_length)))
    return fixed


def _warc_headers(record_type: str, pairs: list[tuple[str, str | None]]) -> StatusAndHeaders:
    """WARC header block in a stable, readable order; fields whose value is None are left out."""
    present = [(name, value) for name, value in pairs if value is not None]
    return StatusAndHeaders("", [("WARC-Type", record_type), *present], protocol=WARC_VERSION)


def _make_record(
    target_uri: str | None,
    record_type: str,
    warc_headers: StatusAndHeaders,
    block: bytes,
    http_headers: StatusAndHeaders | None = None,
    content_type: str = "",
) -> ArcWarcRecord:
    return _RECORD_BUILDER.create_warc_record(
        target_uri or "",
        record_type,
        payload=io.BytesIO(block),
        length=len(block),
        warc_content_type=content_type,
        warc_headers=warc_headers,
        http_headers=http_headers,
    )


def build_request_record(
    req: HttpRequestData,
    *,
    warc_date: str,
    record_id: str | None = None,
    concurrent_to: str | None = None,
    warcinfo_id: str | None = None,
    query_encoding: str = "utf-8",
) -> ArcWarcRecord:
    """A ``request`` record: request line in origin-form (path and query), Host header ensured."""
    target_uri = warc_target_uri(req.url, query_encoding=query_encoding)
    headers = list(req.headers)
    if not _has_header(headers, "Host"):
        headers.insert(0, ("Host", host_header_value(target_uri)))
    headers = fix_length_headers(headers, len(req.body), always_declare_length=False)
    http_headers = _RawHeaders(
        f"{request_target(target_uri)} {req.protocol}", headers, protocol=req.method.upper()
    )
    warc_headers = _warc_headers(
        "request",
        [
            ("WARC-Record-ID", record_id or new_record_id()),
            ("WARC-Date", warc_date),
            ("WARC-Target-URI", target_uri),
            ("WARC-Concurrent-To", concurrent_to),
            ("WARC-Warcinfo-ID", warcinfo_id),
        ],
    )
    return _make_record(target_uri, "request", warc_headers, req.body, http_headers)


def status_line(status: int, reason: str | None) -> str:
    """``200 OK``: the given reason, else the standard phrase, else the bare code."""
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".rstrip() if reason else str(status)


def _fetch_fields(
    record_id: str | None,
    warc_date: str,
    target_uri: str,
    ip_address: str | None,
    concurrent_to: str | None,
    warcinfo_id: str | None,
) -> list[tuple[str, str | None]]:
    """The leading WARC fields that a response and a revisit of one fetch both carry, in their order."""
    return [
        ("WARC-Record-ID", record_id or new_record_id()),
        ("WARC-Date", warc_date),
        ("WARC-Target-URI", target_uri),
        ("WARC-IP-Address", ip_address),
        ("WARC-Concurrent-To", concurrent_to),
        ("WARC-Warcinfo-ID", warcinfo_id),
    ]


def build_response_record(
    resp: HttpResponseData,
    *,
    warc_date: str,
    record_id: str | None = None,
    concurrent_to: str | None = None,
    warcinfo_id: str | None = None,
    truncated: str | None = None,
    query_encoding: str = "utf-8",
) -> ArcWarcRecord:
    """A ``response`` record holding the status line, every header (repeats in order) and the body."""
    if truncated is not None and truncated not in TRUNCATION_REASONS:
        raise ValueError(f"WARC-Truncated must be one of {sorted(TRUNCATION_REASONS)}, not {truncated!r}")
    target_uri = warc_target_uri(resp.url, query_encoding=query_encoding)
    headers = fix_length_headers(list(resp.headers), len(resp.body), always_declare_length=True)
    http_headers = _RawHeaders(status_line(resp.status, resp.reason), headers, protocol=resp.protocol)
    warc_headers = _warc_headers(
        "response",
        [
            *_fetch_fields(record_id, warc_date, target_uri, resp.ip_address, concurrent_to, warcinfo_id),
            ("WARC-Truncated", truncated),
        ],
    )
    return _make_record(target_uri, "response", warc_headers, resp.body, http_headers)


def build_revisit_record(
    resp: HttpResponseData,
    *,
    profile: RevisitProfile,
    refers_to: str,
    refers_to_target_uri: str,
    refers_to_date: str,
    payload_digest: str | None,
    warc_date: str,
    record_id: str | None = None,
    concurrent_to: str | None = None,
    warcinfo_id: str | None = None,
    query_encoding: str = "utf-8",
) -> ArcWarcRecord:
    """A WARC/1.1 ``revisit`` record: this fetch's status line and headers, no body, pointing at the
    earlier record that holds the payload.

    ``identical-payload-digest``: the server sent a body whose digest (``payload_digest``, required)
    equals that of ``refers_to``; ``resp.body`` is that body, used only to make the length headers
    true. ``server-not-modified``: the server answered a conditional request with 304 (or similar);
    ``payload_digest`` is the earlier record's, if known. Replay tools join these headers to the
    earlier payload, which is stored de-chunked, so a Transfer-Encoding header is renamed here too.
    warcio would write the WARC/1.0 profile URI (warcio issue #94), hence the hand-built headers.
    """
    if profile not in REVISIT_PROFILES:
        raise ValueError(f"revisit profile must be one of {sorted(REVISIT_PROFILES)}, not {profile!r}")
    identical = profile == "identical-payload-digest"
    if identical and not payload_digest:
        raise ValueError("an identical-payload-digest revisit needs the payload digest it matched")
    target_uri = warc_target_uri(resp.url, query_encoding=query_encoding)
    headers = fix_length_headers(list(resp.headers), len(resp.body), always_declare_length=identical)
    http_headers = _RawHeaders(status_line(resp.status, resp.reason), headers, protocol=resp.protocol)
    warc_headers = _warc_headers(
        "revisit",
        [
            *_fetch_fields(record_id, warc_date, target_uri, resp.ip_address, concurrent_to, warcinfo_id),
            ("WARC-Profile", REVISIT_PROFILES[profile]),
            ("WARC-Refers-To", refers_to),
            (
                "WARC-Refers-To-Target-URI",
                warc_target_uri(refers_to_target_uri, query_encoding=query_encoding),
            ),
            ("WARC-Refers-To-Date", refers_to_date),
            ("WARC-Payload-Digest", payload_digest),
        ],
    )
    return _make_record(target_uri, "revisit", warc_headers, b"", http_headers)


def build_exchange_records(
    req: HttpRequestData,
    resp: HttpResponseData,
    *,
    warc_date: str,
    warcinfo_id: str | None = None,
    truncated: str | None = None,
    request_id: str | None = None,
    response_id: str | None = None,
) -> tuple[ArcWarcRecord, ArcWarcRecord]:
    """The request and response of one fetch, linked both ways by WARC-Concurrent-To.

    Returned in writing order, response first, as most crawlers write them."""
    request_id = request_id or new_record_id()
    response_id = response_id or new_record_id()
    response = build_response_record(
        resp,
        warc_date=warc_date,
        record_id=response_id,
        concurrent_to=request_id,
        warcinfo_id=warcinfo_id,
        truncated=truncated,
    )
    request = build_request_record(
        req, warc_date=warc_date, record_id=request_id, concurrent_to=response_id, warcinfo_id=warcinfo_id
    )
    return response, request


def _one_line(text: str) -> str:
    """Field values are single lines: a stray CR/LF would forge a new field."""
    return " ".join(text.splitlines())


def encode_warc_fields(fields: Mapping[str, str | list[str]]) -> bytes:
    """``application/warc-fields`` body: one ``name: value`` line per value, lists repeat the name."""
    lines: list[str] = []
    for name, value in fields.items():
        if not name or ":" in name or any(ch.isspace() for ch in name):
            raise ValueError(f"invalid warc-fields name: {name!r}")
        values = value if isinstance(value, list) else [value]
        lines.extend(f"{name}: {_one_line(str(item))}\r\n" for item in values)
    return "".join(lines).encode("utf-8")


def build_warcinfo_record(
    filename: str,
    fields: Mapping[str, str | list[str]],
    *,
    warc_date: str,
    record_id: str | None = None,
) -> ArcWarcRecord:
    """A ``warcinfo`` record describing the file ``filename`` with ``fields`` as warc-fields."""
    warc_headers = _warc_headers(
        "warcinfo",
        [
            ("WARC-Record-ID", record_id or new_record_id()),
            ("WARC-Date", warc_date),
            ("WARC-Filename", filename),
        ],
    )
    return _make_record(
        None, "warcinfo", warc_headers, encode_warc_fields(fields), content_type="application/warc-fields"
    )


def _is_warc_fields(data: Mapping[str, object]) -> bool:
    return all(
        isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))
        for value in data.values()
    )


def build_metadata_record(
    target_uri: str,
    fields_or_json: Mapping[str, object],
    *,
    warc_date: str,
    concurrent_to: str | None = None,
    warcinfo_id: str | None = None,
    record_id: str | None = None,
    refers_to: str | None = None,
    content_format: Literal["auto", "warc-fields", "json"] = "auto",
) -> ArcWarcRecord:
    """A ``metadata`` record about ``target_uri`` (crawl context: outlinks, extraction options...).

    With ``content_format="auto"`` a mapping of strings (or lists of strings) is written as
    ``application/warc-fields`` and anything else as ``application/json`` (sorted keys, UTF-8), so
    the same input always gives the same bytes.
    """
    if content_format == "auto":
        content_format = "warc-fields" if _is_warc_fields(fields_or_json) else "json"
    if content_format == "warc-fields":
        block = encode_warc_fields(fields_or_json)  # type: ignore[arg-type]
        content_type = "application/warc-fields"
    else:
        block = json.dumps(fields_or_json, ensure_ascii=False, sort_keys=True).encode("utf-8")
        content_type = "application/json"
    uri = warc_target_uri(target_uri)
    warc_headers = _warc_headers(
        "metadata",
        [
            ("WARC-Record-ID", record_id or new_record_id()),
            ("WARC-Date", warc_date),
            ("WARC-Target-URI", uri),
            ("WARC-Concurrent-To", concurrent_to),
            ("WARC-Refers-To", refers_to),
            ("WARC-Warcinfo-ID", warcinfo_id),
        ],
    )
    return _make_record(uri, "metadata", warc_headers, block, content_type=content_type)
