"""Build the Datasette instance for an archive, answer one request (``--get``) or serve over HTTP."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.plugins import pm

from archive.db.schema import connect
from archive.serve import plugin
from archive.serve.metadata import archive_metadata

# The search index's tables (archive.db.search_index): FTS5's own and ours; of these only search_docs is
# worth a count.
INDEX_TABLE_PREFIXES = ("articles_fts", "search_")
COUNTED_INDEX_TABLES = ("search_docs",)
COUNT_TIME_LIMIT_MS = 50
# A query may run for a second (the search query answers in well under that at 100,000 articles); the
# pool has threads to spare beyond the slow queries a few readers can start at once, so that a quick
# query never queues behind them (with Datasette's 3 threads, six slow queries made `select 1` wait
# two full time limits). Suggested facets are off: Datasette tries a dozen on every table page, each
# over every row shown.
SETTINGS = {
    "default_page_size": 50,
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 500,
    "num_sql_threads": 12,
    "suggest_facets": False,
}


def build_datasette(db_path: Path) -> Datasette:
    """Datasette over ``db_path`` opened immutable (read-only: nothing it does can change the archive)."""
    if pm.get_plugin(plugin.PLUGIN_NAME) is None:
        pm.register(plugin, name=plugin.PLUGIN_NAME)
    if not pm.is_blocked(plugin.DEFAULT_EXCEPTION_PLUGIN):
        pm.set_blocked(plugin.DEFAULT_EXCEPTION_PLUGIN)  # ours answers every error (see plugin)
    return Datasette(
        immutables=[str(db_path)],
        metadata=archive_metadata(db_path.stem),
        settings=SETTINGS,
        inspect_data={db_path.stem: inspect_archive(db_path)},
    )


def inspect_archive(db_path: Path) -> dict[str, Any]:
    """What Datasette would otherwise work out itself for an immutable file before serving it: a count
    of every table without limit (the full-text index's segment table alone took 2 s at 100,000
    articles, `links` as long with a cold cache) and, when asked, a SHA-256 of the whole file. Here a
    table is counted only if that takes under :data:`COUNT_TIME_LIMIT_MS` (as Datasette counts a
    mutable file); the index's own tables, hidden, and virtual tables are not counted; no hash."""
    conn = connect(db_path, readonly=True)
    try:
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        counts: dict[str, dict[str, int | None]] = {}
        for name, sql in tables:
            internal = name.startswith(INDEX_TABLE_PREFIXES) and name not in COUNTED_INDEX_TABLES
            virtual = (sql or "").upper().startswith("CREATE VIRTUAL TABLE")
            counts[name] = {"count": None if internal or virtual else _count(conn, name)}
    finally:
        conn.close()
    return {"hash": None, "size": db_path.stat().st_size, "file": str(db_path), "tables": counts}


def _count(conn: sqlite3.Connection, table: str) -> int | None:
    deadline = time.monotonic() + COUNT_TIME_LIMIT_MS / 1000
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except sqlite3.OperationalError:  # interrupted
        return None
    finally:
        conn.set_progress_handler(None, 0)


def get_path(db_path: Path, path: str) -> tuple[int, str]:
    """Status and body of one GET request, without opening a port (Datasette's ``--get``)."""

    async def fetch() -> tuple[int, str]:
        datasette = build_datasette(db_path)
        await datasette.invoke_startup()
        response = await datasette.client.get(path)
        return response.status_code, response.text

    # One request for a command, not a server's log: the caller reports a failed answer itself.
    quiet = logging.getLogger(plugin.log.name)
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return asyncio.run(fetch())
    finally:
        quiet.setLevel(level)


def serve_forever(db_path: Path, host: str, port: int) -> None:
    """Serve until interrupted."""
    import uvicorn

    datasette = build_datasette(db_path)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
