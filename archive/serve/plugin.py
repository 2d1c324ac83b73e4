"""The Datasette plugin: CJK search functions on every connection of an archive database.

``prepare_connection`` registers ``cjk_query``, ``cjk_hits``, ``cjk_snippet`` and ``cjk_shadow``. For the
archive databases it also replaces Datasette's own ``escape_fts``: a table's search box (``?_search=``)
builds ``MATCH escape_fts(:search)``, and the archive's only FTS table, ``articles_fts``, holds the CJK
shadow text, so the right escaping there *is* ``cjk_query``. ``trylast`` makes this hook run after
Datasette's default one, which registers the original ``escape_fts``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from archive.db.cjk import match_expression
from archive.db.search import register_functions

PLUGIN_NAME = "minzu-archive"


def _escape_fts(query: str | None) -> str:
    # '""' (the empty phrase) matches nothing, where an empty MATCH string is a syntax error.
    return match_expression(query or "") or '""'


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    register_functions(conn)
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    if database in config.get("archive_databases", ()):
        conn.create_function("escape_fts", 1, _escape_fts)
