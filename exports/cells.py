"""Rows as CSV that a spreadsheet opens safely: shared by `search --csv` and `export csv`.

A cell beginning with ``= + - @`` or ``|`` (DDE) is run as a formula by Excel and LibreOffice: an
archived page titled ``=HYPERLINK(...)`` would become a live link in the archivist's spreadsheet.
Spreadsheets skip leading whitespace (tab, carriage return, spaces, U+3000) and invisible characters
(zero-width spaces and joiners, a byte order mark) before looking, and some read the full-width forms
``＝ ＋ － ＠`` a Chinese input method types as the ASCII ones; so the first character that remains after
stripping those is what counts. Such cells get a leading apostrophe, the neutralisation OWASP
recommends; numbers are written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "|", "＝", "＋", "－", "＠", "｜", "\t", "\r")
# Invisible characters a spreadsheet may skip before the formula sign: zero-width space, non-joiner and
# joiner, word joiner, byte order mark (zero-width no-break space), soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell: None as empty, risky text prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if _looks_like_formula(text) else text


def _looks_like_formula(text: str) -> bool:
    if text.startswith(FORMULA_STARTS):
        return True
    visible = text
    while visible and (visible[0].isspace() or visible[0] in INVISIBLE):
        visible = visible[1:]
    return visible.startswith(FORMULA_STARTS)


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """Write a header and one line per row (columns in the given order); return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
        count += 1
    return count
