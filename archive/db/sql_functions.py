"""The archive's SQL functions (``cjk_query``, ``cjk_shadow``, ``cjk_hits``, ``cjk_snippet``), registered
on a connection without importing what computes them.

Every connection to an archive gets them, but only a search calls them: the tokenizer and matcher
(:mod:`archive.db.cjk`, :mod:`archive.db.matching`, with their large compiled Unicode patterns) are
imported on a function's first call, so `show`, `history` and the exports do not load them at start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import import_module
from typing import Any

# SQL name -> (number of arguments, module, function)
SQL_FUNCTIONS: dict[str, tuple[int, str, str]] = {
    "cjk_query": (1, "archive.db.cjk", "sql_match_expression"),
    "cjk_shadow": (1, "archive.db.cjk", "index_text"),
    "cjk_hits": (2, "archive.db.matching", "count_hits"),
    "cjk_snippet": (2, "archive.db.matching", "snippet_for_query"),
}


def _on_first_call(module: str, name: str) -> Callable[..., Any]:
    """A function that imports ``module.name`` when first called, then calls it."""
    target: Callable[..., Any] | None = None

    def call(*args: Any) -> Any:
        nonlocal target
        if target is None:
            target = getattr(import_module(module), name)
        return target(*args)

    call.__name__ = name
    return call


def register_functions(conn: sqlite3.Connection) -> None:
    """Expose the search functions to SQL on ``conn``.

    Any SQL client (a Datasette canned query, the sqlite3 shell with Python) can then search with
    ``articles_fts MATCH cjk_query(:q)`` (or ``articles_fts_titles``, titles only). ``cjk_hits(text, q)``
    counts q's occurrences in a text, ``cjk_snippet(text, q)`` cuts a marked snippet and
    ``cjk_shadow(text)`` gives the indexed form.
    """
    for sql_name, (arity, module, name) in SQL_FUNCTIONS.items():
        conn.create_function(sql_name, arity, _on_first_call(module, name), deterministic=True)
