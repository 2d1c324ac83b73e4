"""The SQLite archive: schema and migrations, ingest from WARC records, Chinese full-text search, show."""

from archive.db.ingest import FileOutcome, IngestOutcome, ingest_record, ingest_warc_file
from archive.db.schema import ArchiveSchemaError, open_archive
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
    "register_functions",
    "search",
    "show_url",
    "summary",
]
