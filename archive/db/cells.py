"""Rows as CSV that a spreadsheet opens safely: shared by `search --csv` and `export csv`.

A cell beginning with ``= + - @`` (or a tab or carriage return, which some spreadsheets skip before
looking) is run as a formula by Excel and LibreOffice: an archived page titled ``=HYPERLINK(...)``
would become a live link in the archivist's spreadsheet. Such cells get a leading apostrophe, the
neutralisation OWASP recommends; numbers are written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell: None as empty, risky text prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """Write a header and one line per row (columns in the given order); return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
        count += 1
    return count
