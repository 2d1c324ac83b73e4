"""Content-Encoding that does not decode: counted and dropped instead of escaping as an unhandled error.

Scrapy's HttpCompressionMiddleware raises from ``process_response`` when a gzip or deflate body is corrupt;
an exception raised there skips every ``process_exception`` and ends up as an anonymous "Error
downloading" line. The raw bytes are already in the WARC (the recorder runs before any middleware), so
nothing is lost by dropping the response: the failure is named, counted and logged.
"""

from __future__ import annotations

import struct
import zlib

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.failures import count_failure

_DECODE_ERRORS = (OSError, EOFError, zlib.error, struct.error, ValueError)


class SafeHttpCompressionMiddleware(HttpCompressionMiddleware):
    """HttpCompressionMiddleware that turns an undecodable body into ``failures/corrupt_encoding``."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except _DECODE_ERRORS as exc:
            encoding = b", ".join(response.headers.getlist("Content-Encoding")).decode("latin-1")
            reason = f"Content-Encoding {encoding} does not decode: {type(exc).__name__}: {exc}"
            count_failure(self.stats, "corrupt_encoding", request.url, reason)
            raise IgnoreRequest(reason) from exc
