"""Pure functions from one WARC record (headers only) to the row that describes it.

Kept apart from the database code so each column's origin is easy to check: every value below
comes from the record itself, never from the clock or from other records.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from warcio.recordloader import ArcWarcRecord

from archive.warc.location import RecordLocation

HTML_MIME_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RUN_STATS_URI_PREFIX = "urn:minzu-archive:run:"


def warc_header(record: ArcWarcRecord, name: str) -> str | None:
    value = record.rec_headers.get_header(name)
    return value.strip() if isinstance(value, str) else None


def http_header(record: ArcWarcRecord, name: str) -> str | None:
    headers = record.http_headers
    if headers is None:
        return None
    value = headers.get_header(name)
    return value.strip() if isinstance(value, str) else None


def target_uri(record: ArcWarcRecord) -> str | None:
    """WARC-Target-URI without the angle brackets some WARC/1.0 writers put around it."""
    uri = warc_header(record, "WARC-Target-URI")
    if uri and uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return uri


def mime_type(content_type: str | None) -> str | None:
    """``text/html; charset=gbk`` -> ``text/html``."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def url_key(url: str) -> str | None:
    """The SURT form of ``url`` (the sort key CDX indexes use); None when the URL cannot be parsed.

    surt is imported here, not with the module, and without the tldextract and requests it would
    bring (0.12-0.17 s of every ingest worker's start; :mod:`archive.db.surt_loader`): the process that
    stores a rebuild's rows never computes a key, and the workers' keys never ask for a public suffix."""
    from archive.db.surt_loader import import_surt

    surt = import_surt()

    try:
        return surt.surt(url)
    except Exception:  # surt raises assorted errors on malformed URLs; the key is only an aid
        return None


def http_status(record: ArcWarcRecord) -> tuple[int | None, str | None]:
    """Status code and reason phrase of a response (or revisit) record's HTTP header block."""
    headers = record.http_headers
    if headers is None or record.rec_type == "request":
        return None, None
    code, _, reason = (headers.statusline or "").strip().partition(" ")
    try:
        return int(code), reason.strip() or None
    except ValueError:
        return None, reason.strip() or None


def payload_length(record: ArcWarcRecord) -> int | None:
    """Bytes of the stored payload: the block minus the HTTP header block, without reading it."""
    if record.length is None:
        return None
    if record.http_headers is not None:
        return max(0, record.length - record.http_headers.total_len)
    return record.length


def location_columns(location: RecordLocation) -> dict[str, Any]:
    return {
        "warc_filename": location.filename,
        "warc_offset": location.offset,
        "warc_length": location.length,
    }


def warc_record_row(location: RecordLocation, record: ArcWarcRecord) -> dict[str, Any]:
    """The CDX-like entry every record gets, whatever its type."""
    return {
        **location_columns(location),
        "record_id": warc_header(record, "WARC-Record-ID"),
        "record_type": record.rec_type,
        "target_uri": target_uri(record),
        "warc_date": warc_header(record, "WARC-Date"),
    }


def capture_row(location: RecordLocation, record: ArcWarcRecord) -> dict[str, Any]:
    """A ``captures`` row for a response, revisit or resource record."""
    url = target_uri(record) or ""
    status, reason = http_status(record)
    if record.http_headers is not None:
        content_type = http_header(record, "Content-Type")
    else:
        content_type = warc_header(record, "Content-Type")
    location_header = http_header(record, "Location")
    return {
        "record_id": warc_header(record, "WARC-Record-ID"),
        "url": url,
        "url_key": url_key(url),
        "fetched_at": warc_header(record, "WARC-Date"),
        "record_type": record.rec_type,
        "status": status,
        "reason": reason,
        "protocol": record.http_headers.protocol if record.http_headers is not None else None,
        "content_type": content_type,
        "mime_type": mime_type(content_type),
        "content_encoding": http_header(record, "Content-Encoding"),
        "content_length": payload_length(record),
        "payload_digest": warc_header(record, "WARC-Payload-Digest"),
        "block_digest": warc_header(record, "WARC-Block-Digest"),
        **location_columns(location),
        "request_record_id": warc_header(record, "WARC-Concurrent-To"),
        "ip_address": warc_header(record, "WARC-IP-Address"),
        "warcinfo_id": warc_header(record, "WARC-Warcinfo-ID"),
        "etag": http_header(record, "ETag"),
        "last_modified": http_header(record, "Last-Modified"),
        "location": urljoin(url, location_header) if location_header else None,
        "truncated": warc_header(record, "WARC-Truncated"),
        "profile": warc_header(record, "WARC-Profile"),
        "refers_to": warc_header(record, "WARC-Refers-To"),
        "refers_to_source": "header" if warc_header(record, "WARC-Refers-To") else None,
        "refers_to_target_uri": warc_header(record, "WARC-Refers-To-Target-URI"),
        "refers_to_date": warc_header(record, "WARC-Refers-To-Date"),
    }


def request_row(location: RecordLocation, record: ArcWarcRecord) -> dict[str, Any]:
    """A ``requests`` row. warcio parses a request line into ``protocol`` = method."""
    headers = record.http_headers
    method = headers.protocol if headers is not None else None
    return {
        "record_id": warc_header(record, "WARC-Record-ID"),
        "url": target_uri(record) or "",
        "fetched_at": warc_header(record, "WARC-Date"),
        "method": method,
        "concurrent_to": warc_header(record, "WARC-Concurrent-To"),
        "user_agent": http_header(record, "User-Agent"),
        "referer": http_header(record, "Referer"),
        "warcinfo_id": warc_header(record, "WARC-Warcinfo-ID"),
        **location_columns(location),
    }


def is_html_capture(row: dict[str, Any]) -> bool:
    """Pages worth extracting: HTML with a 2xx status (resource records have no status: accepted)."""
    status = row["status"]
    ok_status = (
        status is None if row["record_type"] == "resource" else status is not None and 200 <= status < 300
    )
    return (
        row["record_type"] in ("response", "resource") and ok_status and row["mime_type"] in HTML_MIME_TYPES
    )


def parse_warc_fields(block: bytes) -> dict[str, list[str]]:
    """``application/warc-fields``: ``name: value`` lines; a name may repeat."""
    fields: dict[str, list[str]] = {}
    for line in block.decode("utf-8", errors="replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields.setdefault(name.strip(), []).append(value.strip())
    return fields


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, so equal values are equal strings (dumps compare byte for byte)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def json_field(values: list[str] | None) -> str | None:
    """A warc-fields value that should hold JSON, stored canonically; a plain value is kept as a
    JSON string (or a list of them when the field repeats) rather than dropped."""
    if not values:
        return None
    parsed: list[Any] = []
    for value in values:
        try:
            parsed.append(json.loads(value))
        except ValueError:
            parsed.append(value)
    return canonical_json(parsed[0] if len(parsed) == 1 else parsed)


def seeds_field(values: list[str] | None) -> str | None:
    """Seeds as a JSON list of URLs whether written as JSON or as whitespace-separated URLs."""
    if not values:
        return None
    seeds: list[Any] = []
    for value in values:
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value.split()
        seeds.extend(parsed if isinstance(parsed, list) else [parsed])
    return canonical_json(seeds)


def first(values: list[str] | None) -> str | None:
    return values[0] if values else None
