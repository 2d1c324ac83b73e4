"""Read records back from WARC (and ARC) files, knowing where each one sits on disk, past any damage.

Ingest needs three things from a record: its content, its location (file, offset, length) and the
certainty that it is whole. :mod:`archive.warc.framing` cuts the file into records (one gzip member
each, or plain records) and resynchronizes after damage; this module parses each record's bytes with
warcio, checks that the record is whole and usable, and verifies its digests if asked.

Damage policy: a damaged stretch costs only the records inside it. ``scan_records`` yields every
readable record and a :class:`~archive.warc.framing.Damage` for each stretch that gave none (corrupt
or cut gzip data, garbage, a record whose headers cannot be used). ``iter_records`` yields the
records alone and, after the last one, raises ``WarcReadError`` naming the damage: a ``for`` loop
has handled everything readable by the time it sees the exception.

ARC files (a legacy format, read through warcio's ARC converter) still stop at their first damage.
"""

from __future__ import annotations

import gzip
import io
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.digestverifyingreader import DigestChecker
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException

from .digests import DigestCheck
from .framing import BAD_RECORD, Damage, Member, scan_members
from .location import OPEN_SUFFIX, RecordLocation
from .payload import PayloadDecodeError, record_http_payload

__all__ = [
    "Damage",
    "PayloadDecodeError",
    "RecordScan",
    "WarcReadError",
    "file_format",
    "final_filename",
    "is_arc_file",
    "iter_records",
    "read_record_at",
    "record_http_payload",
    "resolve_warc_path",
    "scan_records",
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
    UnicodeError,
)
# WARC/1.1 section 5: every record has these; without them it cannot be keyed or typed.
_REQUIRED_FIELDS = ("WARC-Type", "WARC-Record-ID", "Content-Length")

ReadItem = tuple[RecordLocation, ArcWarcRecord] | Damage
# As warcio's own iterator reads: an HTTP status line such as "HTTP/2 200" is not a reason to refuse.
_LOADER = ArcWarcRecordLoader(verify_http=False)


class WarcReadError(Exception):
    """A WARC/ARC file is damaged (truncated, corrupt, garbage between records) from ``offset`` on.

    ``regions`` lists every damaged stretch when the file was read past the first one."""

    def __init__(
        self, path: Path, offset: int, reason: str, records_read: int, regions: tuple[Damage, ...] = ()
    ) -> None:
        more = f" (and {len(regions) - 1} more damaged regions)" if len(regions) > 1 else ""
        super().__init__(
            f"{path}: unreadable from offset {offset} after {records_read} records: {reason}{more}"
        )
        self.path = path
        self.offset = offset
        self.reason = reason
        self.records_read = records_read
        self.regions = regions


class BadRecord(ValueError):
    """A record framed as a whole that cannot be used (missing or malformed headers, cut block)."""


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
    with Path(path).open("rb") as fh:
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


def file_format(path: Path) -> str:
    """``warc.gz`` (gzip members), ``warc`` (uncompressed) or ``arc``; by content, else by name
    (a file whose first bytes are damaged still has its name)."""
    path = Path(path)
    if is_arc_file(path):
        return "arc"
    with path.open("rb") as fh:
        head = fh.read(len(_WARC_START))
    if head.startswith(_GZIP_MAGIC):
        return "warc.gz"
    if head == _WARC_START:
        return "warc"
    return "warc.gz" if ".gz" in path.suffixes else "warc"


# -- one record from its bytes ---------------------------------------------------------------------


class _Window(io.RawIOBase):
    """A seekable view of ``[start, end)`` of another stream: a record's payload inside its spool,
    read as often as needed (position 0 is the payload's first byte)."""

    def __init__(self, base: BinaryIO, start: int, end: int) -> None:
        super().__init__()
        self._base, self._start, self._size, self._pos = base, start, max(0, end - start), 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        anchor = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, anchor + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._size - self._pos)
        if wanted <= 0:
            return 0
        self._base.seek(self._start + self._pos)
        got = self._base.readinto(memoryview(buffer)[:wanted])  # type: ignore[attr-defined]
        self._pos += got or 0
        return got or 0

    def read(self, size: int | None = -1) -> bytes:
        left = self._size - self._pos
        wanted = left if size is None or size < 0 else min(size, left)
        if wanted <= 0:
            return b""
        self._base.seek(self._start + self._pos)
        data = self._base.read(wanted)
        self._pos += len(data)
        return data


def _header_block(data: BinaryIO) -> bytes:
    """The raw WARC header lines up to and including the blank line that ends them."""
    data.seek(0)
    lines = bytearray()
    while True:
        line = data.readline(1024 * 1024)
        if not line:
            raise BadRecord("record cut short: no end to its WARC header")
        lines += line
        if line in (b"\r\n", b"\n"):
            return bytes(lines)


def _required_fields(record: ArcWarcRecord) -> None:
    headers = record.rec_headers
    for name in _REQUIRED_FIELDS:
        value = headers.get_header(name)
        if value is None or not value.strip():
            raise BadRecord(f"record header has no {name}")
    length = headers.get_header("Content-Length").strip()
    if not length.isdigit():
        raise BadRecord(f"record header has no valid Content-Length ({length!r})")


def _verify_digests(record: ArcWarcRecord, data: BinaryIO, block: tuple[int, int], payload_at: int) -> None:
    """Fill ``record.digest_checker`` like warcio's verifying reader, without raising on a malformed
    digest (it is a problem of the record, reported like a mismatch). Revisits are not verified:
    their payload digest names another record's payload."""
    checker = DigestChecker("record")
    record.digest_checker = checker
    if record.rec_type == "revisit":
        return
    headers = record.rec_headers
    checks = {
        name: DigestCheck(name, value)
        for name in ("WARC-Block-Digest", "WARC-Payload-Digest")
        if (value := headers.get_header(name))
    }
    if not checks:
        return
    block_check = checks.get("WARC-Block-Digest")
    payload_check = checks.get("WARC-Payload-Digest")
    start, end = block
    data.seek(start)
    position = start
    while position < end:
        chunk = data.read(min(_COPY_CHUNK, end - position))
        if not chunk:
            break
        if block_check is not None:
            block_check.update(chunk)
        if payload_check is not None:
            skip = max(0, payload_at - position)
            if skip < len(chunk):
                payload_check.update(chunk[skip:])
        position += len(chunk)
    for check in checks.values():
        problem = check.verdict()
        if problem is None:
            if checker.passed is not False:
                checker.passed = True
        else:
            checker.problem(problem)


def parse_member(
    member: Member, filename: str, *, check_digests: bool = False
) -> tuple[RecordLocation, ArcWarcRecord]:
    """Turn one framed record's bytes into a warcio record whose ``raw_stream`` is its payload
    (seekable, readable again). Raises :class:`BadRecord` when the record cannot be used."""
    data = member.data
    try:
        header = _header_block(data)
        data.seek(0)
        record = _LOADER.parse_record_stream(data, known_format="warc")
    except BadRecord:
        raise
    except _PARSE_ERRORS as exc:
        raise BadRecord(
            f"unreadable record header: {' '.join(str(exc).split()) or type(exc).__name__}"
        ) from None
    _required_fields(record)
    declared = int(record.rec_headers.get_header("Content-Length").strip())
    block_start = len(header)
    block_end = block_start + declared
    if member.size < block_end:
        raise BadRecord(f"record truncated: {block_end - member.size} bytes of its block are missing")
    data.seek(block_end)
    if data.read(_COPY_CHUNK).strip(b"\r\n"):
        raise BadRecord(
            "gzip member holds more than this record: whole-file gzip has no record offsets "
            "(`warcio recompress` rewrites it one member per record)"
        )
    # warcio has read the HTTP header block (if any) through its LimitReader: the payload starts here.
    payload_at = block_start if record.http_headers is None else _payload_start(record, block_start)
    if check_digests:
        _verify_digests(record, data, (block_start, block_end), payload_at)
    else:
        record.digest_checker = DigestChecker(False)
    record.raw_stream = _Window(data, payload_at, block_end)
    record.raw_header = header
    return RecordLocation(filename, member.offset, member.length), record


def _payload_start(record: ArcWarcRecord, block_start: int) -> int:
    stream = record.raw_stream
    consumed = getattr(stream, "limit", None)
    if isinstance(stream, LimitReader) and consumed is not None:
        return block_start + (record.length - stream.limit)
    return block_start + record.http_headers.total_len


# -- whole files -----------------------------------------------------------------------------------


class RecordScan:
    """Iterate over a file's records and damage from ``start`` (see :func:`scan_records`); after the
    loop, ``end`` is where reading stopped and ``first`` the offset of the first record or damage."""

    def __init__(
        self,
        path: Path,
        *,
        check_digests: bool = False,
        start: int = 0,
        stop: int | None = None,
        resync: bool = False,
        kind: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.kind = kind
        self.filename = final_filename(self.path)
        self.check_digests = check_digests
        self.start, self.stop, self.resync = start, stop, resync
        self.end: int | None = None
        self.first: int | None = None

    def __iter__(self) -> Iterator[ReadItem]:
        kind = self.kind or file_format(self.path)
        with self.path.open("rb") as fh:
            if kind == "arc":
                self.end = yield from self._arc(fh)
            else:
                self.end = yield from self._members(fh, gzipped=kind == "warc.gz")

    def _members(self, fh: BinaryIO, *, gzipped: bool) -> Iterator[ReadItem]:
        walk = scan_members(
            fh, self.filename, gzipped=gzipped, start=self.start, stop=self.stop, resync=self.resync
        )
        while True:
            try:
                item = next(walk)
            except StopIteration as stopped:
                return stopped.value
            if self.first is None:
                self.first = item.start if isinstance(item, Damage) else item.offset
            if isinstance(item, Damage):
                yield item
                continue
            try:
                yield parse_member(item, self.filename, check_digests=self.check_digests)
            except BadRecord as exc:
                item.data.close()
                yield Damage(self.filename, item.offset, item.offset + item.length, str(exc), BAD_RECORD)

    def _arc(self, fh: BinaryIO) -> Iterator[ReadItem]:
        size = fh.seek(0, 2)
        fh.seek(0)
        if self.start or self.resync:
            raise ValueError("ARC files are read whole, from their start")
        scanner = _ArcScanner(self.path, fh, check_digests=self.check_digests)
        try:
            for location, record in scanner:
                if self.first is None:
                    self.first = location.offset
                yield location, record
        except WarcReadError as exc:
            if self.first is None:
                self.first = exc.offset
            yield Damage(self.filename, exc.offset, size, exc.reason)
        return size


def scan_records(
    path: Path,
    *,
    check_digests: bool = False,
    start: int = 0,
    stop: int | None = None,
    resync: bool = False,
    kind: str | None = None,
) -> RecordScan:
    """Every readable record of a WARC or ARC file as ``(location, record)``, and a ``Damage`` for
    each stretch that gave none, in file order. ``start``/``stop``/``resync`` read part of a file
    (see :func:`archive.warc.framing.scan_members`); the returned object's ``end`` says where it
    stopped. Each record's content stays readable after the loop has moved on (``raw_stream`` is a
    seekable view of a spool positioned at the payload). With ``check_digests`` each record's
    ``digest_checker`` holds the verdict on its digests. ``kind`` is the file's :func:`file_format`
    when the caller already knows it (it is read from the file's first bytes otherwise)."""
    return RecordScan(path, check_digests=check_digests, start=start, stop=stop, resync=resync, kind=kind)


def iter_records(
    path: Path, *, check_digests: bool = False
) -> Iterator[tuple[RecordLocation, ArcWarcRecord]]:
    """Yield ``(location, record)`` for every readable record of a WARC or ARC file, gzip or plain.

    Damage is skipped (reading resynchronizes at the next record); after the last record
    ``WarcReadError`` is raised if there was any, with the first damaged offset and every region.
    A file the crawl is still writing may end in a half-flushed record and then looks damaged too:
    the live crawl reads its records with ``read_record_at`` at the locations the writer returned.
    """
    path = Path(path)
    regions: list[Damage] = []
    records = 0
    for item in scan_records(path, check_digests=check_digests):
        if isinstance(item, Damage):
            regions.append(item)
            continue
        if not regions:
            records += 1
        yield item
    if regions:
        first = regions[0]
        raise WarcReadError(path, first.start, first.reason, records, tuple(regions))


def read_record_at(path: Path, offset: int, *, check_digests: bool = False) -> ArcWarcRecord:
    """Read the one record that starts at ``offset`` (a gzip member boundary for .warc.gz files).

    The file is closed on return; the record's content is read from a spool. Raises
    ``WarcReadError`` if no complete, usable record starts there.
    """
    path = Path(path)
    kind = file_format(path)
    if kind == "arc":
        with path.open("rb") as fh:
            fh.seek(offset)
            for _location, record in _ArcScanner(path, fh, check_digests=check_digests):
                return record
        raise WarcReadError(path, offset, "no record at this offset", 0)
    scan = scan_records(path, check_digests=check_digests, start=offset, stop=offset + 1)
    for item in scan:
        if isinstance(item, Damage):
            raise WarcReadError(path, offset, item.reason, 0, (item,))
        if item[0].offset == offset:
            return item[1]
        break
    raise WarcReadError(path, offset, "no record at this offset", 0)


# -- ARC files, through warcio's converter ---------------------------------------------------------


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
    return spool, missing  # type: ignore[return-value]


class _ArcScanner:
    """Walk an ARC file with warcio; stop with ``WarcReadError`` where it is damaged."""

    def __init__(self, path: Path, fh: BinaryIO, *, check_digests: bool) -> None:
        self.path = path
        self.filename = final_filename(path)
        self.iterator = ArchiveIterator(fh, arc2warc=True, check_digests=check_digests)
        self.records_read = 0

    def __iter__(self) -> Iterator[tuple[RecordLocation, ArcWarcRecord]]:
        while True:
            start = self.iterator.offset
            try:
                record = next(self.iterator)
            except StopIteration:
                return
            except _PARSE_ERRORS as exc:
                reason = " ".join(str(exc).split()) or type(exc).__name__
                raise self._damage(start, reason) from exc
            yield self._complete(record, start)

    def _damage(self, offset: int, reason: str) -> WarcReadError:
        return WarcReadError(self.path, max(offset, 0), reason, self.records_read)

    def _complete(self, record: ArcWarcRecord, start: int) -> tuple[RecordLocation, ArcWarcRecord]:
        if record.length is None:
            raise self._damage(start, "record header has no valid Content-Length")
        try:
            spool, missing = _spool_rest_of_block(record)
            offset = self.iterator.get_record_offset()
            length = self.iterator.get_record_length()
        except _PARSE_ERRORS as exc:
            raise self._damage(start, f"record content unreadable: {exc}") from exc
        if missing:
            raise self._damage(start, f"record truncated: {missing} bytes of its block are missing")
        reader = self.iterator.reader
        member = getattr(reader, "decompressor", None) if reader is not None else None
        if member is not None and not member.eof and self.iterator.next_line is None:
            raise self._damage(start, "gzip member cut short (file truncated inside this record)")
        record.raw_stream = spool
        _stable_arc_record_id(record, offset)
        self.records_read += 1
        return RecordLocation(self.filename, offset, length), record
