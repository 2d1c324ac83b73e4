"""The SQLite archive: schema and migrations, ingest from WARC records, Chinese full-text search, show,
history.

Every name below is loaded on first use (PEP 562), not when the package is imported: ingest pulls in the
whole extraction stack, and the writable schema sqlite-utils, which a command that only reads the archive
(search, show, history, export) must not pay for at start-up. ``from archive.db import ingest_record``
works as before. The search function is ``archive.db.search.search``: ``archive.db.search`` is the module.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> the module that defines it
_LAZY_NAMES = {
    "ArchiveSchemaError": "archive.db.schema",
    "FileOutcome": "archive.db.ingest",
    "IngestOutcome": "archive.db.ingest",
    "SearchHit": "archive.db.search",
    "ingest_record": "archive.db.ingest",
    "ingest_warc_file": "archive.db.ingest",
    "open_archive": "archive.db.schema",
    "open_for_reading": "archive.db.schema",
    "open_readonly": "archive.db.readonly",
    "register_functions": "archive.db.sql_functions",
    "show_url": "archive.db.show",
    "summary": "archive.db.show",
    "url_history": "archive.db.history",
}

__all__ = sorted(_LAZY_NAMES)


def __getattr__(name: str) -> Any:
    if name in _LAZY_NAMES:
        return getattr(import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
