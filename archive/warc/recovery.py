"""Finish the WARC files a killed crawl left open.

The writer names a growing file ``*.warc.gz.open`` and flushes one gzip member per record, so after a
crash (SIGKILL, power cut) such a file is a run of complete members, perhaps followed by part of one.
Recovery keeps every complete record, cuts the file at the end of the last one, and gives it its final
name; the URIs of the records that were cut are reported so that a crawl can fetch them again.

Run it only when no crawl is writing into the directory (the recorder calls it as the spider opens,
before its own writer creates a file).
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from .location import OPEN_SUFFIX
from .reader import WarcReadError, final_filename, iter_records

logger = logging.getLogger(__name__)

_TARGET_URI = re.compile(rb"^WARC-Target-URI:[ \t]*(\S+)[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b"
_HEAD_BYTES = 64 * 1024  # WARC headers of a cut record are in its first few hundred bytes


@dataclass(frozen=True)
class RecoveryOutcome:
    """What recovery did to one ``.open`` file.

    ``final_path`` is None when the file held no complete record at all and was deleted.
    ``cut_target_uris`` are the WARC-Target-URIs found in the cut-off tail, in file order.
    """

    open_path: Path
    final_path: Path | None
    records_kept: int
    bytes_kept: int
    bytes_cut: int
    cut_target_uris: tuple[str, ...]

    @property
    def was_damaged(self) -> bool:
        return self.bytes_cut > 0


def _complete_prefix(path: Path) -> tuple[int, int]:
    """(records, byte length) of the run of complete records at the start of ``path``."""
    records = 0
    end = 0
    try:
        for location, _record in iter_records(path):
            records += 1
            end = location.offset + location.length
    except WarcReadError:
        pass  # the damage starts right after the last complete record: keep everything before it
    return records, end


def _readable_start(tail: bytes) -> bytes:
    """As much plain text as can be recovered from the start of each gzip member in ``tail`` (or the
    tail itself when it is not gzip): enough to read the WARC headers of the cut records."""
    if not tail.startswith(_GZIP_MAGIC):
        return tail
    pieces: list[bytes] = []
    rest = tail
    while rest.startswith(_GZIP_MAGIC):
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            pieces.append(member.decompress(rest, _HEAD_BYTES))
        except zlib.error:
            break
        if not member.eof:
            break
        rest = member.unused_data
    return b"\n".join(pieces)


def cut_target_uris(tail: bytes) -> tuple[str, ...]:
    """WARC-Target-URIs named in a damaged tail, each once, in order."""
    found = (
        match.group(1).decode("ascii", "replace") for match in _TARGET_URI.finditer(_readable_start(tail))
    )
    return tuple(dict.fromkeys(found))


def recover_open_file(open_path: Path) -> RecoveryOutcome:
    """Truncate one ``.open`` file after its last complete record and rename it to its final name."""
    open_path = Path(open_path)
    final_path = open_path.with_name(final_filename(open_path))
    if final_path.exists():
        raise FileExistsError(f"{final_path} exists: will not overwrite it with {open_path.name}")
    size = open_path.stat().st_size
    records, keep = _complete_prefix(open_path)
    with open_path.open("r+b") as fh:
        fh.seek(keep)
        uris = cut_target_uris(fh.read(_HEAD_BYTES * 4)) if keep < size else ()
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    if records == 0:
        open_path.unlink()
        kept_path = None
    else:
        os.rename(open_path, final_path)
        kept_path = final_path
    outcome = RecoveryOutcome(open_path, kept_path, records, keep, size - keep, uris)
    if outcome.was_damaged:
        logger.warning(
            "Recovered %s: kept %d records, cut %d bytes (to fetch again: %s)",
            open_path.name,
            records,
            size - keep,
            ", ".join(uris) or "no URI readable",
        )
    return outcome


def recover_open_files(directory: Path) -> list[RecoveryOutcome]:
    """Recover every ``*.open`` WARC file left in ``directory`` by a crawl that did not close it."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return [recover_open_file(path) for path in sorted(directory.glob(f"*.warc*{OPEN_SUFFIX}"))]
