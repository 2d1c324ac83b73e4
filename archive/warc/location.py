"""Where records live on disk: a file's final name, a record's offset and length.

Kept apart from the writer so that readers (ingest workers, rebuild, checks) know these names without
importing what writing needs (the record builders and their URL handling).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_SUFFIX = ".open"
"""Added to a WARC file's name while it is being written; removed when the file is closed."""


@dataclass(frozen=True)
class RecordLocation:
    """Where a record lives: the file's final name (never ``.open``), the gzip member's offset and
    its length in bytes on disk."""

    filename: str
    offset: int
    length: int
