"""What Datasette is told about an archive before serving it, worked out while Datasette is imported.

Datasette opens the archive immutable, and for an immutable file it would count every table without
limit and hash the whole file before serving. Instead it is given a count of each table that takes
under :data:`COUNT_TIME_LIMIT_MS`, within :data:`COUNT_BUDGET_MS` for all of them (the small tables
first), and no hash. The search index's own tables, hidden and virtual tables are not counted.

A ``count(*)`` is one step of SQLite's virtual machine, which a progress handler cannot stop (counting
1.5 million links took 62 ms against a limit of 50), so each count is stopped from a timer with
``Connection.interrupt``. SQLite does not hold Python's lock while it counts, so the counts run in a
thread of their own while the importing goes on (:func:`inspect_in_background`): at 100,000 articles they
cost ``serve`` nothing of its start.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from archive.db.schema import connect

# The search index's tables (archive.db.search_index): FTS5's own and ours; of these only search_docs is
# worth a count.
INDEX_TABLE_PREFIXES = ("articles_fts", "search_")
COUNTED_INDEX_TABLES = ("search_docs",)
COUNT_TIME_LIMIT_MS = 50
COUNT_BUDGET_MS = 150  # about what importing Datasette takes, which the counts run beside


def inspect_archive(db_path: Path) -> dict[str, Any]:
    """Datasette's ``inspect_data`` entry for ``db_path`` (see the module's docstring)."""
    conn = connect(db_path, readonly=True)
    try:
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        counts: dict[str, dict[str, int | None]] = {name: {"count": None} for name, _ in tables}
        budget_ends = time.monotonic() + COUNT_BUDGET_MS / 1000
        for name in sorted(_countable(tables), key=lambda table: _size_hint(conn, table)):
            seconds = min(COUNT_TIME_LIMIT_MS / 1000, budget_ends - time.monotonic())
            if seconds <= 0:
                break
            counts[name]["count"] = count_rows(conn, name, seconds)
    finally:
        conn.close()
    return {"hash": None, "size": db_path.stat().st_size, "file": str(db_path), "tables": counts}


def inspect_in_background(db_path: Path) -> Future[dict[str, Any]]:
    """:func:`inspect_archive` in a thread of its own; the future carries its result or its error.
    The counts are bounded in time, so the thread never holds up the process's exit for long."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inspect-archive")
    future = pool.submit(inspect_archive, db_path)
    pool.shutdown(wait=False)  # the one job still runs; the caller waits on the future when it needs it
    return future


def count_rows(conn: sqlite3.Connection, table: str, seconds: float) -> int | None:
    """``count(*)`` of ``table``, or None when it takes longer than ``seconds``."""
    deadline = _Deadline(conn, seconds)
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    except sqlite3.OperationalError:  # interrupted
        return None
    finally:
        deadline.cancel()


class _Deadline:
    """Interrupts ``conn`` after ``seconds``, unless cancelled first. The lock keeps a late timer from
    interrupting the connection once the statement is over (``fetchall`` has finished it by then)."""

    def __init__(self, conn: sqlite3.Connection, seconds: float) -> None:
        self._conn, self._lock, self._active = conn, threading.Lock(), True
        self._timer = threading.Timer(seconds, self._interrupt)
        self._timer.daemon = True
        self._timer.start()

    def _interrupt(self) -> None:
        with self._lock:
            if self._active:
                self._conn.interrupt()

    def cancel(self) -> None:
        with self._lock:
            self._active = False
        self._timer.cancel()


def _countable(tables: list[tuple[str, str | None]]) -> list[str]:
    return [
        name
        for name, sql in tables
        if not (name.startswith(INDEX_TABLE_PREFIXES) and name not in COUNTED_INDEX_TABLES)
        and not (sql or "").upper().startswith("CREATE VIRTUAL TABLE")
    ]


def _size_hint(conn: sqlite3.Connection, table: str) -> float:
    """The largest rowid, one step down a b-tree: about the row count of a table rows are rarely deleted
    from, so the small tables are counted first and a budget that runs out leaves only large ones
    uncounted. A table without rowids comes last."""
    try:
        largest = conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
    except sqlite3.OperationalError:
        return float("inf")
    return largest or 0
