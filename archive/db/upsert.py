"""``INSERT ... ON CONFLICT DO UPDATE`` for plain dict rows.

Not ``INSERT OR REPLACE``: that deletes and re-inserts, giving the row a new rowid, and the search
index is keyed on the articles' rowid. An upsert keeps the rowid, so re-ingesting is a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database


def upsert(
    db: Database,
    table: str,
    row: Mapping[str, Any],
    key: Sequence[str],
    *,
    merge: Mapping[str, str] | None = None,
) -> None:
    """Insert ``row`` or update the existing row with the same ``key`` columns.

    ``merge`` maps a column to the SQL expression that combines the stored value (``{table}.col``)
    with the incoming one (``excluded.col``); other columns take the incoming value.
    """
    columns = list(row)
    merge = merge or {}
    updates = [
        f"{column} = {merge.get(column, f'excluded.{column}')}" for column in columns if column not in key
    ]
    conflict = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT ({', '.join(key)}) {conflict}"
    )
    db.execute(sql, [row[column] for column in columns])


def least(table: str, column: str) -> str:
    """Merge expression keeping the smallest non-null value, so the result ignores ingest order."""
    return f"coalesce(min({table}.{column}, excluded.{column}), {table}.{column}, excluded.{column})"


def greatest(table: str, column: str) -> str:
    """Merge expression keeping the largest non-null value."""
    return f"coalesce(max({table}.{column}, excluded.{column}), {table}.{column}, excluded.{column})"
