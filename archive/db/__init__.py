"""The SQLite archive: schema and migrations, ingest from WARC records, Chinese full-text search, show,
history.

The ingest names are loaded on first use (PEP 562), not when the package is imported: ingest pulls in the
whole extraction stack, and a command that only reads the archive (search, show, export) must not pay for
it at start-up. ``from archive.db import ingest_record`` works as before.
"""

from __future__ import annotations

from typing import Any

from archive.db.history import url_history
from archive.db.schema import ArchiveSchemaError, open_archive, open_for_reading
from archive.db.search import SearchHit, register_functions, search
from archive.db.show import show_url, summary

_INGEST_NAMES = ("FileOutcome", "IngestOutcome", "ingest_record", "ingest_warc_file")

__all__ = [
    "ArchiveSchemaError",
    "FileOutcome",
    "IngestOutcome",
    "SearchHit",
    "ingest_record",
    "ingest_warc_file",
    "open_archive",
    "open_for_reading",
    "register_functions",
    "search",
    "show_url",
    "summary",
    "url_history",
]


def __getattr__(name: str) -> Any:
    if name in _INGEST_NAMES:
        from archive.db import ingest

        return getattr(ingest, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
