"""Where each record of a WARC file lies on disk, and how to find the next one after damage.

Our files (and most WARC files) hold one gzip member per record, so a damaged member costs one record:
reading resynchronizes at the next member that starts a WARC record and goes on. Uncompressed files
resynchronize at the next line that starts ``WARC/1.``. Each stretch of bytes no record could be read
from is reported as a :class:`Damage` with its start and end offsets.

This module only frames: it hands out each record's bytes (decompressed, in a spool) with its offset
and length on disk. Parsing them into WARC records is :mod:`archive.warc.reader`'s job.

Splitting one file between processes uses the same resynchronization: a reader started at any
offset with ``resync=True`` finds the first record that starts there or later, exactly where a
reader coming from the start of the file would have stopped (see :func:`scan_members`).
"""

from __future__ import annotations

import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024
_READ_CHUNK = 64 * 1024
_INFLATE_CHUNK = 1024 * 1024  # decompressed bytes per step: a gzip bomb never lands in memory at once
_GZIP_MAGIC = b"\x1f\x8b\x08"  # ID1, ID2 and CM=deflate, the only method gzip defines
_WARC_START = b"WARC/"
_MAX_HEADER_BYTES = 1024 * 1024  # a WARC header block larger than this is garbage, not a record
_PROBE_BYTES = 64 * 1024  # raw bytes a resynchronizing reader inflates to see a member's first line
_NEWLINES = b"\r\n"

UNREADABLE = "unreadable"
BAD_RECORD = "bad-record"


@dataclass(frozen=True)
class Damage:
    """A stretch ``[start, end)`` of a file that gave no record.

    ``kind`` is ``unreadable`` (corrupt or cut gzip data, garbage between records) or ``bad-record``
    (a record framed as a whole whose headers cannot be used: it is skipped, the next one is read).
    """

    filename: str
    start: int
    end: int
    reason: str
    kind: str = UNREADABLE

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Member:
    """One record's bytes as found on disk: ``data`` holds them decompressed (a spool at position 0)."""

    offset: int
    length: int
    data: BinaryIO
    size: int


class _Unreadable(Exception):
    """No record can be read at this offset (reason in the message)."""


def _spool() -> BinaryIO:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # type: ignore[return-value]


# -- gzip members ----------------------------------------------------------------------------------


def inflate_member(fh: BinaryIO, offset: int) -> Member:
    """Decompress the gzip member starting at ``offset`` into a spool; raises ``_Unreadable``."""
    fh.seek(offset)
    head = fh.read(len(_GZIP_MAGIC))
    if head != _GZIP_MAGIC:
        raise _Unreadable("no gzip member starts here" if head else "end of file")
    fh.seek(offset)
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    spool = _spool()
    fed = size = 0
    try:
        while not member.eof:
            chunk = fh.read(_READ_CHUNK)
            if not chunk:
                raise _Unreadable("gzip member cut short: the file ends inside it")
            fed += len(chunk)
            pending = chunk
            while pending and not member.eof:
                out = member.decompress(pending, _INFLATE_CHUNK)
                spool.write(out)
                size += len(out)
                pending = member.unconsumed_tail
    except zlib.error as exc:
        spool.close()
        raise _Unreadable(f"corrupt gzip data: {exc}") from None
    except _Unreadable:
        spool.close()
        raise
    spool.seek(0)
    return Member(offset, fed - len(member.unused_data), spool, size)


def _starts_gzip_record(fh: BinaryIO, offset: int) -> bool:
    """A gzip member starts at ``offset`` and its first bytes are a WARC version line."""
    fh.seek(offset)
    raw = fh.read(_PROBE_BYTES)
    if not raw.startswith(_GZIP_MAGIC):
        return False
    probe = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = probe.decompress(raw, len(_WARC_START))
    except zlib.error:
        return False
    return out == _WARC_START


def next_gzip_record(fh: BinaryIO, start: int) -> int | None:
    """The first offset at or after ``start`` where a gzip member holding a WARC record begins."""
    position = start
    carry = b""
    while True:
        fh.seek(position)
        block = fh.read(_READ_CHUNK)
        if not block:
            return None
        data = carry + block
        base = position - len(carry)
        found = data.find(_GZIP_MAGIC)
        while found != -1:
            if _starts_gzip_record(fh, base + found):
                return base + found
            found = data.find(_GZIP_MAGIC, found + 1)
        carry = data[-(len(_GZIP_MAGIC) - 1) :]
        position += len(block)


# -- uncompressed records --------------------------------------------------------------------------


def frame_plain_record(fh: BinaryIO, offset: int) -> Member:
    """Copy the uncompressed record starting at ``offset`` (header, block, the blank lines after it)
    into a spool; raises ``_Unreadable``."""
    fh.seek(offset)
    if fh.read(len(_WARC_START)) != _WARC_START:
        raise _Unreadable("no WARC record starts here")
    fh.seek(offset)
    header = bytearray()
    while True:
        line = fh.readline(_MAX_HEADER_BYTES)
        if not line:
            raise _Unreadable("record cut short: the file ends inside its header")
        header += line
        if line in (b"\r\n", b"\n"):
            break
        if len(header) > _MAX_HEADER_BYTES:
            raise _Unreadable("no end to the WARC header block")
    length = _declared_length(bytes(header))
    spool = _spool()
    spool.write(header)
    remaining = length
    while remaining:
        chunk = fh.read(min(remaining, _READ_CHUNK))
        if not chunk:
            spool.close()
            raise _Unreadable(f"record truncated: {remaining} bytes of its block are missing")
        spool.write(chunk)
        remaining -= len(chunk)
    end = offset + len(header) + length
    trailer = fh.read(4)
    kept = len(trailer) - len(trailer.lstrip(_NEWLINES))
    spool.write(trailer[:kept])
    spool.seek(0)
    return Member(offset, end + kept - offset, spool, len(header) + length + kept)


_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)


def _declared_length(header: bytes) -> int:
    found = _CONTENT_LENGTH.search(header)
    if found is None:
        raise _Unreadable("record header has no valid Content-Length")
    return int(found.group(1))


def next_plain_record(fh: BinaryIO, start: int) -> int | None:
    """The first offset at or after ``start`` where a line begins with ``WARC/<digit>``."""
    position = start
    while True:
        base = max(position - 1, 0)  # the byte before ``position`` tells whether a line starts there
        fh.seek(base)
        data = fh.read(_READ_CHUNK)
        found = data.find(_WARC_START, position - base)
        while found != -1:
            line_start = base + found == 0 or data[found - 1 : found] == b"\n"
            if line_start and data[found + len(_WARC_START) : found + len(_WARC_START) + 1].isdigit():
                return base + found
            found = data.find(_WARC_START, found + 1)
        if len(data) < _READ_CHUNK:
            return None
        position = base + len(data) - len(_WARC_START)  # a match cut by the block's end is seen next time


# -- walking a file --------------------------------------------------------------------------------


def _file_size(fh: BinaryIO) -> int:
    fh.seek(0, 2)
    return fh.tell()


def scan_members(
    fh: BinaryIO,
    filename: str,
    *,
    gzipped: bool,
    start: int = 0,
    stop: int | None = None,
    resync: bool = False,
) -> Iterator[Member | Damage]:
    """Each record's bytes (a :class:`Member`) in file order, with a :class:`Damage` for every stretch
    that gave none, from ``start`` to the end of the file or to the first record starting at or after
    ``stop``.

    ``resync`` first looks for a record at or after ``start`` (for a reader started at an arbitrary
    offset); without it, ``start`` must be where a record begins, and anything else there is damage.
    Two readers, one from 0 with ``stop=b`` and one from ``b`` with ``resync``, meet at the same
    offset: the sequential one stops at the first record it would start at or after ``b``, and the
    resynchronizing one takes the first offset at or after ``b`` that starts a record, which the
    sequential one would have found too (it resynchronizes the same way after damage).

    The generator's ``return`` value (``StopIteration.value``) is the offset where it stopped.
    """
    frame = inflate_member if gzipped else frame_plain_record
    find_next = next_gzip_record if gzipped else next_plain_record
    size = _file_size(fh)
    position = start
    if resync:
        found = find_next(fh, start)
        position = size if found is None else found
        if stop is not None and position >= stop:
            return position
    while position < size:
        if stop is not None and position >= stop:
            return position
        try:
            member = frame(fh, position)
        except _Unreadable as exc:
            if not _only_newlines_left(fh, position):
                found = find_next(fh, position + 1)
                end = size if found is None else found
                yield Damage(filename, position, end, str(exc))
                position = end
                continue
            return size
        yield member
        position = member.offset + member.length
    return position


def _only_newlines_left(fh: BinaryIO, position: int) -> bool:
    """What follows the last record is nothing but the blank lines plain WARC records end with."""
    fh.seek(position)
    while chunk := fh.read(_READ_CHUNK):
        if chunk.strip(_NEWLINES):
            return False
    return True
