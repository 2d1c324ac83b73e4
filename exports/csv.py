"""The archive's articles as CSV: the same articles and order as the JSONL export, one row each.

Columns are fixed (:data:`COLUMNS`); list-valued fields are flattened (breadcrumb joined with " > ",
image URLs one per line inside the cell). Cells are written through :func:`exports.cells.safe_cell`,
so a title such as ``=HYPERLINK(...)`` stays text when the file is opened in a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from exports.cells import write_csv
from exports.jsonl import iter_article_records
from exports.progress import with_progress

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

COLUMNS = ("url", "title", "published", "section", "breadcrumb", "author", "captured", "images", "text")
BREADCRUMB_SEPARATOR = " > "


def csv_rows(db: Database | sqlite3.Connection, *, show_progress: bool = False) -> Iterator[dict[str, Any]]:
    """The export's rows: JSONL records with lists flattened into strings."""
    records = iter_article_records(db)
    for record in with_progress(records, desc="csv", unit="article", show=show_progress):
        yield {
            **record,
            "breadcrumb": BREADCRUMB_SEPARATOR.join(record["breadcrumb"]),
            "images": "\n".join(image["src"] for image in record["images"]),
        }


def export_articles_csv(
    db: Database | sqlite3.Connection, out: TextIO, *, show_progress: bool = False
) -> int:
    """Write a header and one row per article to ``out``; return the number of articles."""
    return write_csv(csv_rows(db, show_progress=show_progress), COLUMNS, out)
