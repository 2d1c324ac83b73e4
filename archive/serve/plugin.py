"""The Datasette plugin: CJK search functions on every connection of an archive database, and short
error pages.

``prepare_connection`` registers ``cjk_query``, ``cjk_hits``, ``cjk_snippet`` and
``cjk_shadow``. For the archive databases it also replaces Datasette's own ``escape_fts``: a search
box pointed at an FTS table (``?_search=…&_fts_table=articles_fts``) builds ``MATCH
escape_fts(:search)``, and the archive's FTS tables hold the CJK index form, so the right escaping
there *is* ``cjk_query``. ``trylast`` makes this hook run after Datasette's default one, which
registers the original ``escape_fts``. ``filters_from_request`` gives the ``articles`` table its own
search box, bounded so that it answers fast at archive scale.

``handle_exception`` answers every error (a bad path, a write request to the read-only archive, SQL
that fails or runs out of time) with a short page or JSON object and one log line. Datasette's own
handler prints the traceback with its local variables through ``rich`` for every error, a 404
included, and with the installed ``rich`` that call itself fails outside an ``except`` block, turning
the answer into a 500; :func:`archive.serve.app.build_datasette` leaves it out.
"""

from __future__ import annotations

import html
import logging
import re
import sqlite3
from collections.abc import Callable
from typing import Any

from datasette import Response, hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

from archive.db.cjk import NO_MATCH, match_expression
from archive.db.search import register_functions

PLUGIN_NAME = "minzu-archive"
SEARCHED_TABLE = "articles"
SEARCH_BOX_WINDOW = 5_000
"""Matching rows, newest first, that the search box of the articles table lists, sorts and facets."""
DEFAULT_EXCEPTION_PLUGIN = "datasette.handle_exception"
log = logging.getLogger("archive.serve")


def _escape_fts(query: str | None) -> str:
    # '""' (the empty phrase) matches nothing, where an empty MATCH string is a syntax error.
    return match_expression(query or "") or '""'


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    register_functions(conn)
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    if database in config.get("archive_databases", ()):
        conn.create_function("escape_fts", 1, _escape_fts)


@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    """The search box of the ``articles`` table (``?_search=``), over the newest matching rows.

    Datasette's own search box lists *every* match, and on a table of wide rows that is what costs: to
    sort 97,000 matches of 团结 by date it reads every one whole (5 s at 100,000 articles) before
    showing 50, and counts and facets read them again. Here the box lists the newest
    :data:`SEARCH_BOX_WINDOW` matches (all of them for any query that names something) and says how
    many match in all when there are more. ``trylast``: it runs after Datasette's own hook, which finds
    no FTS table for ``articles`` (the index is contentless) and turns the box off.
    """
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    if database not in config.get("archive_databases", ()) or table != SEARCHED_TABLE:
        return None

    async def inner() -> FilterArguments:
        search = request.args.get("_search", "")
        context = {"supports_search": True, "search": search}
        if not search:
            return FilterArguments([], extra_context=context)
        expression = match_expression(search) or NO_MATCH
        total_sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH :expression"
        total = (await datasette.get_database(database).execute(total_sql, {"expression": expression})).rows[
            0
        ][0]
        where = (
            "rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :search_expression "
            f"ORDER BY rowid DESC LIMIT {SEARCH_BOX_WINDOW})"
        )
        described = f'search matches "{search}"'
        if total > SEARCH_BOX_WINDOW:
            described += f" (the newest {SEARCH_BOX_WINDOW:,} of the {total:,} rows that match)"
        return FilterArguments([where], {"search_expression": expression}, [described], context)

    return inner


def error_status(exception: BaseException) -> tuple[int, str]:
    """The HTTP status and a one-line message for an exception raised while answering a request."""
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0] if exception.args else exception)
    if isinstance(exception, DatasetteError):
        message = str(exception.message)
        return exception.status, _html_text(message) if exception.message_is_html else message
    return 500, f"{type(exception).__name__}: {exception}"


_NOT_TEXT = re.compile(r"<(script|textarea)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _html_text(fragment: str) -> str:
    """The words of an HTML error message (the time-limit message holds the SQL in a textarea)."""
    return html.unescape(_TAG.sub(" ", _NOT_TEXT.sub(" ", fragment)))


@hookimpl(tryfirst=True)
def handle_exception(datasette: Any, request: Any, exception: BaseException) -> Response:
    status, message = error_status(exception)
    return error_response(request.method, request.path, status, message)


def error_response(method: str, path: str, status: int, message: str, **headers: str) -> Response:
    """The short answer to a request that failed, logged as one line."""
    message = " ".join(message.split()) or "error"
    log.warning("%s %s -> %d %s", method, path, status, message)
    if path.endswith(".json"):
        return Response.json(
            {"ok": False, "error": message, "status": status}, status=status, headers=headers
        )
    body = (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{status}</title></head>'
        f'<body><h1>{status}</h1><p>{html.escape(message)}</p><p><a href="/">首页 (home)</a></p></body></html>\n'
    )
    return Response.html(body, status=status, headers=headers)


READ_METHODS = ("GET", "HEAD")


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    """Refuse every request that is not a read before Datasette routes it: the archive is opened
    immutable, nothing can be written, and Datasette answers a POST to a table or to a read-only
    canned query with an internal error."""

    def wrap(app: Any) -> Any:
        async def read_only(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                response = error_response(
                    scope["method"],
                    scope["path"],
                    405,
                    "the archive is read-only",
                    Allow=", ".join(READ_METHODS),
                )
                await response.asgi_send(send)
                return
            await app(scope, receive, send)

        return read_only

    return wrap
