"""Read records back from WARC (and ARC) files, knowing where each one sits on disk.

Ingest needs three things from a record: its content, its location (file, offset, length) and the
certainty that it is whole. warcio's ArchiveIterator gives the first two, but only in a given order
(asking for the length drains the content) and it stops quietly at a truncated gzip member. So each
record's remaining block is copied to a spool (memory first, disk beyond a few MB: never a whole
file), after which both the location and the content are available, and a record that ends early
is reported as damage instead of being passed on half-read.

Damage policy: ``iter_records`` yields every complete record, then raises ``WarcReadError`` where
the damage starts. A ``for`` loop has therefore handled everything readable by the time it sees the
exception; ``error.records_read`` and ``error.offset`` say how far it got.
"""

from __future__ import annotations

import gzip
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from .payload import PayloadDecodeError, record_http_payload
from .writer import OPEN_SUFFIX, RecordLocation

__all__ = [
    "PayloadDecodeError",
    "WarcReadError",
    "final_filename",
    "is_arc_file",
    "iter_records",
    "read_record_at",
    "record_http_payload",
    "resolve_warc_path",
]

SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024
_COPY_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_WARC_START = b"WARC/"
# AttributeError and TypeError: warcio raises them on a header block without the fields it expects.
_PARSE_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    EOFError,
    ValueError,
    zlib.error,
    AttributeError,
    TypeError,
)


class WarcReadError(Exception):
    """A WARC/ARC file is damaged (truncated, corrupt, not record-per-member gzip) at ``offset``."""

    def __init__(self, path: Path, offset: int, reason: str, records_read: int) -> None:
        super().__init__(f"{path}: unreadable from offset {offset} after {records_read} records: {reason}")
        self.path = path
        self.offset = offset
        self.reason = reason
        self.records_read = records_read


def final_filename(path: Path) -> str:
    """The name a file has (or will have) once closed: ``x.warc.gz.open`` -> ``x.warc.gz``."""
    name = Path(path).name
    return name.removesuffix(OPEN_SUFFIX)


def resolve_warc_path(directory: Path, filename: str) -> Path:
    """Find ``filename`` in ``directory``, or its ``.open`` twin while the crawl still writes it.

    Checks the final name again after the ``.open`` one, because the writer may rename the file
    between the two looks."""
    directory = Path(directory)
    final = directory / filename
    growing = directory / (filename + OPEN_SUFFIX)
    for candidate in (final, growing, final):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"neither {final} nor {growing} exists")


def is_arc_file(path: Path) -> bool:
    """ARC files begin with a ``filedesc://`` line (compressed or not)."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        try:
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=fh) as unzipped:
                    head = unzipped.read(len("filedesc://"))
            else:
                head = fh.read(len("filedesc://"))
        except (OSError, EOFError, zlib.error):
            return False
    return head == b"filedesc://"


def _stable_arc_record_id(record: ArcWarcRecord, offset: int) -> None:
    """warcio invents a random WARC-Record-ID for each converted ARC record; ingest keys on record
    ids, so derive one from what the record says about itself instead (same file, same ids)."""
    headers = record.rec_headers
    identity = " ".join(
        str(headers.get_header(name) or "")
        for name in ("WARC-Target-URI", "WARC-Filename", "WARC-Date", "Content-Length")
    )
    stable = uuid.uuid5(uuid.NAMESPACE_URL, f"arc-record:{offset}:{identity}")
    headers.replace_header("WARC-Record-ID", f"<urn:uuid:{stable}>")


def _spool_rest_of_block(record: ArcWarcRecord) -> tuple[BinaryIO, int]:
    """Copy what is left of the record's block to a spool; return it and the bytes still missing."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)
    source = record.raw_stream
    while chunk := source.read(_COPY_CHUNK):
        spool.write(chunk)
    spool.seek(0)
    missing = getattr(source, "limit", 0) or 0
    return spool, missing


def _gzip_member(iterator: ArchiveIterator) -> zlib._Decompress | None:
    reader = iterator.reader
    return getattr(reader, "decompressor", None) if reader is not None else None


def _member_cut_short(iterator: ArchiveIterator) -> bool:
    """The gzip member holding the record stops before its end marker and nothing follows."""
    member = _gzip_member(iterator)
    return member is not None and not member.eof and iterator.next_line is None


def _member_goes_on(iterator: ArchiveIterator) -> bool:
    """The next record's first line came out of the same gzip member (whole-file gzip)."""
    return _gzip_member(iterator) is not None and iterator.next_line is not None


class _RecordScanner:
    """Walk one open file with warcio and turn each record into a complete, located record."""

    def __init__(self, path: Path, fh: BinaryIO, *, check_digests: bool) -> None:
        self.path = path
        self.fh = fh
        self.filename = final_filename(path)
        self.is_arc = is_arc_file(path)
        self.iterator = ArchiveIterator(fh, arc2warc=True, check_digests=check_digests)
        self.records_read = 0
        self.end_of_last_record = fh.tell()

    def __iter__(self) -> Iterator[tuple[RecordLocation, ArcWarcRecord]]:
        while True:
            start = self.iterator.offset
            try:
                record = next(self.iterator)
            except StopIteration:
                self._check_nothing_left()
                return
            except _PARSE_ERRORS as exc:
                reason = " ".join(str(exc).split()) or type(exc).__name__
                raise self._damage(start, reason) from exc
            yield self._complete(record, start)

    def _check_nothing_left(self) -> None:
        """warcio ends quietly when the last gzip member is cut short; what follows the last complete
        record must be nothing but the blank lines that separate plain WARC records."""
        self.fh.seek(self.end_of_last_record)
        while chunk := self.fh.read(_COPY_CHUNK):
            if chunk.strip(b"\r\n"):
                raise self._damage(self.end_of_last_record, "unreadable data after the last complete record")

    def _damage(self, offset: int, reason: str) -> WarcReadError:
        # warcio's running offset goes negative inside a whole-file gzip: the damage starts at 0 then.
        return WarcReadError(self.path, max(offset, 0), reason, self.records_read)

    def _complete(self, record: ArcWarcRecord, start: int) -> tuple[RecordLocation, ArcWarcRecord]:
        if record.length is None:
            raise self._damage(start, "record header has no valid Content-Length")
        try:
            spool, missing = _spool_rest_of_block(record)
            # Only now, with the content read, may warcio be asked where the record ends.
            offset = self.iterator.get_record_offset()
            length = self.iterator.get_record_length()
        except _PARSE_ERRORS as exc:
            raise self._damage(start, f"record content unreadable: {exc}") from exc
        if missing:
            raise self._damage(start, f"record truncated: {missing} bytes of its block are missing")
        if _member_cut_short(self.iterator):
            raise self._damage(start, "gzip member cut short (file truncated inside this record)")
        if _member_goes_on(self.iterator):
            raise self._damage(
                start,
                "gzip member holds more than this record: whole-file gzip has no record offsets "
                "(`warcio recompress` rewrites it one member per record)",
            )
        record.raw_stream = spool
        if self.is_arc:
            _stable_arc_record_id(record, offset)
        self.records_read += 1
        self.end_of_last_record = offset + length
        return RecordLocation(self.filename, offset, length), record


def iter_records(
    path: Path, *, check_digests: bool = False
) -> Iterator[tuple[RecordLocation, ArcWarcRecord]]:
    """Yield ``(location, record)`` for every complete record of a WARC or ARC file, gzip or plain.

    Each record's content stays readable after the iterator has moved on (``record.raw_stream``
    is a spool positioned at the payload). ARC records come with WARC-style headers. With
    ``check_digests`` each record's ``digest_checker`` holds warcio's verdict on its digests.
    Raises ``WarcReadError`` after the last complete record if the file is damaged. A file the
    crawl is still writing may end in a half-flushed record and then looks damaged too: the live
    crawl reads its records with ``read_record_at`` at the locations the writer returned.
    """
    path = Path(path)
    with path.open("rb") as fh:
        yield from _RecordScanner(path, fh, check_digests=check_digests)


def read_record_at(path: Path, offset: int, *, check_digests: bool = False) -> ArcWarcRecord:
    """Read the one record that starts at ``offset`` (a gzip member boundary for .warc.gz files).

    The file is closed on return; the record's content is read from a spool. Raises
    ``WarcReadError`` if no complete record starts there.
    """
    path = Path(path)
    with path.open("rb") as fh:
        fh.seek(offset)
        head = fh.read(len(_WARC_START))
        fh.seek(offset)
        if head[:2] != _GZIP_MAGIC and head != _WARC_START and not is_arc_file(path):
            # warcio would take any line of five space-separated fields for an ARC header and
            # "read" garbage as a record: a WARC record starts with a gzip member or "WARC/".
            raise WarcReadError(path, offset, "no record starts at this offset", 0)
        for _location, record in _RecordScanner(path, fh, check_digests=check_digests):
            return record
    raise WarcReadError(path, offset, "no record at this offset", 0)
