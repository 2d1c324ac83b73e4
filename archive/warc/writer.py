"""Write records into size-rotated, per-record-gzipped WARC files.

Each record is its own gzip member, so a (file, offset) pair is enough to read it back with one
seek; the live crawl relies on that to ingest the record it has just written. A file is named
``<name>.open`` while it grows and renamed when closed, so a finished name always means a finished file.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from archive import __version__ as archive_version

from .location import OPEN_SUFFIX, RecordLocation
from .records import WARC_VERSION, build_warcinfo_record, format_warc_date, new_record_id

WARC_1_1_SPEC_URL = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
SOFTWARE = f"minzu-archive/{archive_version} (warcio/{version('warcio')})"


def _safe_hostname(hostname: str) -> str:
    """Hostnames go into file names: keep them to characters every file system accepts."""
    return re.sub(r"[^A-Za-z0-9.\-]", "_", hostname) or "localhost"


def _set_warcinfo_id(record: ArcWarcRecord, warcinfo_id: str | None) -> None:
    """Point the record at its file's warcinfo; a new field goes before the digests, where the
    record builder would have put it, so headers read in the same order either way."""
    headers = record.rec_headers
    if headers.replace_header("WARC-Warcinfo-ID", warcinfo_id) is not None:
        return
    headers.remove_header("WARC-Warcinfo-ID")
    names = [name.lower() for name, _ in headers.headers]
    tail = ("warc-truncated", "warc-payload-digest", "warc-block-digest", "content-type", "content-length")
    position = next((i for i, name in enumerate(names) if name in tail), len(names))
    headers.headers.insert(position, ("WARC-Warcinfo-ID", warcinfo_id))


class RotatingWarcWriter:
    """Append records to ``{prefix}-{timestamp}-{serial:05d}-{hostname}.warc.gz`` files in ``directory``.

    A file is opened lazily (on the first write or when its warcinfo id is asked for) and starts with
    a warcinfo record; every other record is stamped with that warcinfo's id. When the current file
    has reached ``max_file_size`` the next write goes to a new file; records are never split.
    Records are consumed by writing (their streams are read to the end).
    """

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str = "minzu",
        max_file_size: int = 1_000_000_000,
        warcinfo_fields: Mapping[str, str | list[str]],
        hostname: str | None = None,
        fsync: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_file_size = max_file_size
        self.warcinfo_fields = dict(warcinfo_fields)
        self.hostname = _safe_hostname(hostname or socket.gethostname())
        self.fsync = fsync
        self.files_written: list[Path] = []
        """Final paths of the files this writer has closed, in order."""
        self._serial = 0
        self._file: BinaryIO | None = None
        self._final_path: Path | None = None
        self._warcinfo_id: str | None = None
        self._closed = False
        self._warc_writer: WARCWriter | None = None
        self.directory.mkdir(parents=True, exist_ok=True)

    # -- public API -----------------------------------------------------------------------------

    @property
    def current_warcinfo_id(self) -> str:
        """The WARC-Record-ID of the current file's warcinfo (opens the file if none is open yet)."""
        self._ensure_open()
        assert self._warcinfo_id is not None
        return self._warcinfo_id

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` path being written, or None between files."""
        if self._final_path is None:
            return None
        return self._final_path.with_name(self._final_path.name + OPEN_SUFFIX)

    def write(self, record: ArcWarcRecord) -> RecordLocation:
        """Write one record (rotating first if the current file is full) and flush it to the OS."""
        return self.write_many([record])[0]

    def write_many(self, records: Iterable[ArcWarcRecord]) -> list[RecordLocation]:
        """Write records that belong together (a request/response pair) into the same file."""
        batch = list(records)
        if not batch:
            return []
        self._rotate_if_full()
        self._ensure_open()
        return [self._append(record) for record in batch]

    def sync(self) -> None:
        """Force what was written so far to disk (``fsync``): a caller that batches its database
        commits calls this before each, so the WARC file is never behind the rows made from it."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the current file and give it its final name. Further writes are refused."""
        self._close_current()
        self._closed = True

    def __enter__(self) -> RotatingWarcWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------------

    def _rotate_if_full(self) -> None:
        if self._file is not None and self._file.tell() >= self.max_file_size:
            self._close_current()

    def _ensure_open(self) -> None:
        if self._closed:
            raise ValueError("write to a closed RotatingWarcWriter")
        if self._file is not None:
            return
        now = datetime.now(UTC)
        name = f"{self.prefix}-{now:%Y%m%d%H%M%S%f}-{self._serial:05d}-{self.hostname}.warc.gz"
        self._serial += 1
        final_path = self.directory / name
        if final_path.exists():
            raise FileExistsError(final_path)
        self._final_path = final_path
        self._file = open(self.current_path, "xb")
        self._warc_writer = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
        self._warcinfo_id = new_record_id()
        warcinfo = build_warcinfo_record(
            name, self._warcinfo_content(), warc_date=format_warc_date(now), record_id=self._warcinfo_id
        )
        self._append(warcinfo)

    def _warcinfo_content(self) -> dict[str, str | list[str]]:
        content: dict[str, str | list[str]] = dict(self.warcinfo_fields)
        content.setdefault("software", SOFTWARE)
        content.setdefault("format", "WARC File Format 1.1")
        content.setdefault("conformsTo", WARC_1_1_SPEC_URL)
        content.setdefault("hostname", self.hostname)
        return content

    def _append(self, record: ArcWarcRecord) -> RecordLocation:
        assert self._file is not None and self._warc_writer is not None and self._final_path is not None
        if record.rec_type != "warcinfo":
            _set_warcinfo_id(record, self._warcinfo_id)
        offset = self._file.tell()
        try:
            self._warc_writer.write_record(record)
            self._file.flush()
            if self.fsync:
                os.fsync(self._file.fileno())
        except BaseException:
            # Never leave half a gzip member behind: the next record must start on a clean boundary.
            self._file.seek(offset)
            self._file.truncate(offset)
            raise
        return RecordLocation(self._final_path.name, offset, self._file.tell() - offset)

    def _close_current(self) -> None:
        if self._file is None:
            return
        open_path = self.current_path
        assert open_path is not None and self._final_path is not None
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(open_path, self._final_path)
        self.files_written.append(self._final_path)
        self._file = None
        self._warc_writer = None
        self._final_path = None
        self._warcinfo_id = None
