"""Checks run before a command starts work, so a refused command changes and creates nothing."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import zlib
from pathlib import Path

from cli.errors import CommandError


def check_target_database(db_path: Path, *, hint: str | None = None) -> None:
    """Refuse a database this code may not write: another file, a database of another program or of a
    newer version, or a file or folder that cannot be written. A missing file is fine (it is created)."""
    from archive.db.schema import ArchiveSchemaError, check_archive

    try:
        check_archive(db_path)
    except ArchiveSchemaError as error:
        raise CommandError(str(error), hint) from None
    # SQLite writes a journal beside the database: the folder must be writable too.
    folder = db_path.parent if str(db_path.parent) else Path(".")
    for target in (db_path, folder) if db_path.exists() else (folder,):
        if target.exists() and not os.access(target, os.W_OK):
            raise CommandError(f"{target} is not writable", hint)


def check_collection(collection: Path) -> None:
    """Refuse a collection whose archive database this code may not write (see above)."""
    from archive.collection import database_path

    db_path = database_path(collection)
    if collection.is_dir():
        check_target_database(db_path, hint="Choose another --collection, or upgrade minzu-archive.")


# How a WARC record (WARC/1.0, WARC/1.1) and an ARC file's first record (filedesc://) begin.
ARCHIVE_STARTS = (b"WARC/", b"filedesc://")
GZIP_MAGIC = b"\x1f\x8b"


def _first_bytes(path: Path) -> bytes:
    """The first bytes of ``path``, of its first gzip member if it is gzipped."""
    with path.open("rb") as raw:
        head = raw.read(64)
        if head.startswith(GZIP_MAGIC):
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unpacked:
                head = unpacked.read(64)
    return head


def foreign_start(path: Path) -> str | None:
    """What ``path`` starts with, when it can be read and is something other than a WARC or ARC file
    (plain or gzipped); None for an archive, an empty file or one that cannot be read (damage is the
    reader's to report)."""
    try:
        head = _first_bytes(path).lstrip()
    except (OSError, EOFError, zlib.error):
        return None
    if not head or head.startswith(ARCHIVE_STARTS):
        return None
    printable = "".join(char for char in head[:24].decode("ascii", errors="replace") if char.isprintable())
    return printable.strip() or "binary bytes"


def not_an_archive(path: Path) -> str | None:
    """Why ``path`` is not a WARC or ARC file at all, or None.

    Read before handing a file to warcio, which prints pages of warnings about a file that is not a
    WARC at all (a database, an image) before it gives up.
    """
    try:
        head = _first_bytes(path).lstrip()
    except (OSError, EOFError, zlib.error) as error:
        return f"unreadable ({error})"
    if not head:
        return "it is empty"
    start = foreign_start(path)
    return f"it starts with {start!r}" if start else None


def warc_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a WARC or ARC file (it is not one, or holds no record), or None.
    Damage after the first record is not a problem here: the readable records are still used."""
    from archive.warc.reader import WarcReadError, iter_records

    reason = not_an_archive(path)
    if reason:
        return f"{path} is not a WARC or ARC file: {reason}"
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # warcio's own warnings: the message says it all
            for _ in iter_records(path):
                return None
    except WarcReadError as error:
        if error.records_read == 0:
            return f"{path} is not a WARC or ARC file ({' '.join(error.reason.split())[:120]})"
        return None
    except OSError as error:
        return f"{path}: {error.strerror or error}"
    return f"{path} holds no WARC records"
