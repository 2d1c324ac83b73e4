"""Build the Datasette instance for an archive, answer one request (``--get``) or serve over HTTP."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.plugins import pm

from archive.serve import plugin
from archive.serve.inspection import inspect_in_background
from archive.serve.metadata import archive_metadata

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


def build_datasette(db_path: Path, inspecting: Future[dict[str, Any]] | None = None) -> Datasette:
    """Datasette over ``db_path`` opened immutable (read-only: nothing it does can change the archive).
    ``inspecting``: :func:`~archive.serve.inspection.inspect_in_background` of it, if already started."""
    if pm.get_plugin(plugin.PLUGIN_NAME) is None:
        pm.register(plugin, name=plugin.PLUGIN_NAME)
    if not pm.is_blocked(plugin.DEFAULT_EXCEPTION_PLUGIN):
        pm.set_blocked(plugin.DEFAULT_EXCEPTION_PLUGIN)  # ours answers every error (see plugin)
    return Datasette(
        immutables=[str(db_path)],
        metadata=archive_metadata(db_path.stem),
        settings=SETTINGS,
        inspect_data={db_path.stem: (inspecting or inspect_in_background(db_path)).result()},
    )


def get_path(db_path: Path, path: str, inspecting: Future[dict[str, Any]] | None = None) -> tuple[int, str]:
    """Status and body of one GET request, without opening a port (Datasette's ``--get``)."""

    async def fetch() -> tuple[int, str]:
        datasette = build_datasette(db_path, inspecting)
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


def serve_forever(
    db_path: Path, host: str, port: int, inspecting: Future[dict[str, Any]] | None = None
) -> None:
    """Serve until interrupted."""
    import uvicorn

    datasette = build_datasette(db_path, inspecting)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
