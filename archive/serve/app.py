"""Build the Datasette instance for an archive, answer one request (``--get``) or serve over HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from archive.serve import plugin
from archive.serve.metadata import archive_metadata

# A query may run for a second (the search query answers in well under that at 100,000 articles); the
# pool has threads to spare beyond the slow queries a few readers can start at once, so that a quick
# query never queues behind them (with Datasette's 3 threads, six slow queries made `select 1` wait
# two full time limits).
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
    )


def get_path(db_path: Path, path: str) -> tuple[int, str]:
    """Status and body of one GET request, without opening a port (Datasette's ``--get``)."""

    async def fetch() -> tuple[int, str]:
        datasette = build_datasette(db_path)
        await datasette.invoke_startup()
        response = await datasette.client.get(path)
        return response.status_code, response.text

    return asyncio.run(fetch())


def serve_forever(db_path: Path, host: str, port: int) -> None:
    """Serve until interrupted."""
    import uvicorn

    datasette = build_datasette(db_path)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
