"""A collection as one WACZ file: its WARC files, a CDXJ index and a page list with titles and text.

WACZ (https://specs.webrecorder.net/wacz/) is what replay tools such as ReplayWeb.page open directly.
py-wacz does the packaging (index, datapackage and digests, the checks of ``wacz validate``); this
module supplies what only the archive knows: which captures are pages, and their extracted titles
and text, so the page list is searchable without re-extracting anything. Page ids are derived from
the capture's record id, so the page list is the same from one export to the next (the zip entries
still carry py-wacz's wall-clock times).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

from sqlite_utils import Database

from archive.collection import database_path, warc_directory
from archive.db.schema import ArchiveSchemaError, open_for_reading
from archive.sites import DEFAULT_SITE

TITLE = DEFAULT_SITE.archive_title
DESCRIPTION = DEFAULT_SITE.archive_description
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}

# Every HTML page's newest extraction, whatever its kind (a listing is a page of the site too); the
# text only where extraction produced an article.
_PAGES_SQL = """
    SELECT p.capture_id, p.url, p.fetched_at, p.title, p.status, a.text
    FROM latest_articles p JOIN articles a ON a.capture_id = p.capture_id
    JOIN captures c ON c.record_id = p.capture_id
    WHERE c.record_type IN ('response', 'resource') AND p.status IN ('ok', 'not-article')
    ORDER BY p.url"""


class WaczError(RuntimeError):
    """The collection cannot be packaged (no WARC files, no archive database, py-wacz failed)."""


def collection_warcs(collection: Path) -> list[Path]:
    """The finished WARC files of a collection (``.open`` files are still being written)."""
    return sorted(warc_directory(collection).glob("*.warc.gz"))


def page_entries(db: Database) -> list[dict[str, str]]:
    """pages.jsonl entries (after the header): url, ts, title, text when known, a stable id."""
    entries = []
    for capture_id, url, fetched_at, title, status, text in db.execute(_PAGES_SQL).fetchall():
        entry = {"id": hashlib.sha1(capture_id.encode()).hexdigest()[:22], "url": url, "ts": fetched_at}
        entry["title"] = title or url
        if status == "ok" and text:
            entry["text"] = text
        entries.append(entry)
    return entries


def export_wacz(collection: Path, out: Path) -> int:
    """Package ``collection`` (its ``archive/*.warc.gz`` and ``archive.db``) as ``out``; return the
    number of pages listed.

    py-wacz's own progress messages are kept back and shown (in the error) only if it fails. The file is
    built beside ``out`` and renamed onto it when complete, so a failure leaves no half-written WACZ and
    keeps any earlier one.
    """
    from wacz.main import main as wacz_main

    warcs = collection_warcs(collection)
    if not warcs:
        raise WaczError(f"no WARC files in {collection / 'archive'}")
    db_path = database_path(collection)
    if not db_path.exists():
        raise WaczError(f"no archive database at {db_path}; run `minzu-archive rebuild` first")
    try:
        db = open_for_reading(db_path)
    except ArchiveSchemaError as error:
        raise WaczError(str(error)) from error
    try:
        entries = page_entries(db)
    finally:
        db.close()
    partial = out.with_name(f".{out.name}.part")
    messages = io.StringIO()
    try:
        with tempfile.TemporaryDirectory(prefix="minzu-wacz-") as scratch:
            pages = Path(scratch) / "pages.jsonl"
            with pages.open("w", encoding="utf-8") as fh:
                for line in (PAGES_HEADER, *entries):
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            args = ["create", "-o", str(partial), "-p", str(pages), "--title", TITLE, "--desc", DESCRIPTION]
            with contextlib.redirect_stdout(messages), contextlib.redirect_stderr(messages):
                status = wacz_main([*args, *(str(path) for path in warcs)])
        if status != 0:
            said = " ".join(messages.getvalue().split()[-30:])
            raise WaczError(f"py-wacz could not create {out} (exit status {status}): {said}")
        os.replace(partial, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return len(entries)
