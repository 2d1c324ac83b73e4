"""Turn a stored HTTP payload back into the bytes the page author wrote.

warcio's ``content_stream()`` de-chunks and decodes, but on a broken gzip body it either hands back
the compressed bytes as if they were the page or prints to stderr and returns a short read. Ingest
must know the difference, so decoding here raises ``PayloadDecodeError`` (carrying whatever was
decoded before the damage) and bounds the output size against decompression bombs.
"""

from __future__ import annotations

import io
import zlib

import brotli
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord

DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024 * 1024
_STEP = 256 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class PayloadDecodeError(ValueError):
    """The payload cannot be fully decoded; ``partial`` holds the bytes decoded before the problem."""

    def __init__(self, message: str, *, encoding: str, partial: bytes = b"") -> None:
        super().__init__(message)
        self.encoding = encoding
        self.partial = partial


def _check_size(size: int, limit: int, encoding: str) -> None:
    if size > limit:
        raise PayloadDecodeError(f"decoded {encoding} payload exceeds {limit} bytes", encoding=encoding)


def _inflate_one(data: bytes, wbits: int, limit: int, encoding: str) -> tuple[bytes, bool, bytes]:
    """Inflate one zlib/gzip/raw-deflate stream: (output, reached end, bytes after the stream)."""
    decompressor = zlib.decompressobj(wbits)
    output = bytearray()
    pending = data
    try:
        while True:
            chunk = decompressor.decompress(pending, _STEP)
            output += chunk
            _check_size(len(output), limit, encoding)
            pending = decompressor.unconsumed_tail
            if decompressor.eof or (not pending and not chunk):
                break
    except zlib.error as exc:
        raise PayloadDecodeError(
            f"corrupt {encoding} data: {exc}", encoding=encoding, partial=bytes(output)
        ) from exc
    return bytes(output), decompressor.eof, decompressor.unused_data


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decode gzip, including several concatenated members; bytes after the last member are ignored
    (browsers ignore them too)."""
    output = b""
    rest = data
    while True:
        chunk, finished, rest = _inflate_one(rest, 16 + zlib.MAX_WBITS, limit - len(output), "gzip")
        output += chunk
        if not finished:
            raise PayloadDecodeError("gzip data ends early (truncated)", encoding="gzip", partial=output)
        if not rest.startswith(_GZIP_MAGIC):
            return output


def _inflate(data: bytes, limit: int) -> bytes:
    """``deflate`` is meant to be zlib-wrapped, but some servers send raw deflate: accept both."""
    try:
        output, finished, _ = _inflate_one(data, zlib.MAX_WBITS, limit, "deflate")
    except PayloadDecodeError as exc:
        if exc.partial:
            raise
        output, finished, _ = _inflate_one(data, -zlib.MAX_WBITS, limit, "deflate")
    if not finished:
        raise PayloadDecodeError("deflate data ends early (truncated)", encoding="deflate", partial=output)
    return output


def _unbrotli(data: bytes, limit: int) -> bytes:
    decompressor = brotli.Decompressor()
    output = bytearray()
    try:
        output += decompressor.process(data, output_buffer_limit=_STEP)
        while not decompressor.can_accept_more_data():
            _check_size(len(output), limit, "br")
            output += decompressor.process(b"", output_buffer_limit=_STEP)
        _check_size(len(output), limit, "br")
    except brotli.error as exc:
        raise PayloadDecodeError(f"corrupt br data: {exc}", encoding="br", partial=bytes(output)) from exc
    if not decompressor.is_finished():
        raise PayloadDecodeError("br data ends early (truncated)", encoding="br", partial=bytes(output))
    return bytes(output)


_DECODERS = {"gzip": _gunzip, "x-gzip": _gunzip, "deflate": _inflate, "br": _unbrotli}


def decode_content(
    data: bytes, content_encoding: str | None, *, max_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
) -> bytes:
    """Undo a Content-Encoding header value (``gzip``, ``deflate``, ``br``, or a list of them,
    undone last-applied first). Unknown codings (zstd, compress) raise ``PayloadDecodeError``."""
    codings = [part.strip().lower() for part in (content_encoding or "").split(",") if part.strip()]
    for coding in reversed(codings):
        if coding == "identity":
            continue
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise PayloadDecodeError(
                f"unsupported Content-Encoding {coding!r}", encoding=coding, partial=data
            )
        data = decoder(data, max_bytes)
    return data


def _rewind(stream: object) -> None:
    """Records from our reader keep their payload in a seekable spool: rewinding makes this function
    safe to call twice. warcio's own streams cannot rewind and are read from where they are."""
    seekable = getattr(stream, "seekable", None)
    if seekable is not None and seekable():
        stream.seek(0)  # type: ignore[attr-defined]


def _read_bounded(stream: object, limit: int) -> bytes:
    data = stream.read(limit + 1)  # type: ignore[attr-defined]
    if len(data) > limit:
        raise PayloadDecodeError(f"stored payload exceeds {limit} bytes", encoding="identity")
    return data


def record_http_payload(record: ArcWarcRecord, *, max_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> bytes:
    """The entity body of a record: de-chunked if a foreign file stored it chunked, and with its
    Content-Encoding undone. Records without HTTP headers (resource, metadata) give their block."""
    _rewind(record.raw_stream)
    stored = _read_bounded(record.raw_stream, max_bytes)
    headers = record.http_headers
    if not headers or not stored:
        # No HTTP envelope, or nothing stored (a revisit keeps only headers; a 304 has no body).
        return stored
    transfer_encoding = (headers.get_header("Transfer-Encoding") or "").lower()
    if "chunked" in transfer_encoding:
        stored = ChunkedDataReader(io.BytesIO(stored)).read()
    return decode_content(stored, headers.get_header("Content-Encoding"), max_bytes=max_bytes)
