"""Turn what Scrapy downloaded into plain HTTP values for the WARC layer.

At the ``response_downloaded`` signal Scrapy has removed chunked framing but not Content-Encoding, and all
downloader middlewares have already added their request headers: that is the closest Scrapy gets to the
bytes on the wire. Twisted drops the reason phrase, so the WARC layer falls back to the standard phrase.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Request, Response

from archive.warc.records import HttpRequestData, HttpResponseData

# Credentials for a proxy are not part of what the site saw, and must not be archived.
_PRIVATE_REQUEST_HEADERS = {b"proxy-authorization"}


def _header_pairs(headers) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        if name.lower() in _PRIVATE_REQUEST_HEADERS:
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def request_data(request: Request) -> HttpRequestData:
    """The request as the origin server received it (Host first, as a client sends it)."""
    headers = _header_pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", urlsplit(request.url).netloc))
    return HttpRequestData(
        method=request.method,
        url=request.url,
        headers=headers,
        body=request.body or b"",
    )


def response_data(response: Response) -> HttpResponseData:
    """The response with its body still content-encoded, as the server sent it."""
    ip = getattr(response, "ip_address", None)
    return HttpResponseData(
        url=response.url,
        status=response.status,
        reason=None,
        headers=_header_pairs(response.headers),
        body=response.body,
        protocol=getattr(response, "protocol", None) or "HTTP/1.1",
        ip_address=str(ip) if ip is not None else None,
    )


def truncation_reason(response: Response) -> str | None:
    """WARC-Truncated value for a body Scrapy did not receive whole.

    ``download_stopped``: the download was stopped on purpose, and only ``crawler.limits.BodySizeCap``
    does that, at the size cap (``length``). ``dataloss``: the connection dropped before the declared
    length or the last chunk (``disconnect``). ``partial`` is *not* a truncation: Twisted sets it on every
    body delimited by the server closing the connection (no Content-Length, not chunked), which is how
    HTTP/1.0-style servers end every complete response.
    """
    flags = set(response.flags or ())
    if "download_stopped" in flags:
        return "length"
    if "dataloss" in flags:
        return "disconnect"
    return None
