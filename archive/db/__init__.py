"""The SQLite archive: schema and migrations, ingest from WARC records, Chinese full-text search, show,
history."""

from archive.db.history import url_history
from archive.db.ingest import FileOutcome, IngestOutcome, ingest_record, ingest_warc_file
from archive.db.schema import ArchiveSchemaError, open_archive, open_for_reading
from archive.db.search import SearchHit, register_functions, search
from archive.db.show import show_url, summary

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
