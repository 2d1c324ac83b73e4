"""Full-text search over article titles and texts that works for two-character Chinese queries and stays
fast at 100,000 articles. The index it reads is kept by :mod:`archive.db.search_index`.

Ranking, in order (each key breaks the ties of the one before; docs/schema.md says why):

1. page kind: dated articles, then undated pages, then short stubs, then listings (pages whose text
   is mostly link titles; left out unless asked for);
2. pages whose title contains a term of the query before the others;
3. how often the query occurs in the text (on a magazine site, the article *about* 海西 says it often);
4. the shorter text, of two with equal counts (the query weighs more in it);
5. newest publication date, then URL, so that equal scores come back in a stable order.

The order is exact over a bounded set of candidates: the newest :data:`SCAN_WINDOW` matching
articles and the newest :data:`SCAN_WINDOW` with the whole query in the title, or as many of each as
results are asked for if that is more (FTS5 walks its lists newest first and stops there). A query
matching fewer articles than that (almost every query that names something) is ranked over all of its
matches; a query matching more (的, 民族, 发展) is ranked among
the newest of them. Recall is exact either way: every result contains every term, and
:func:`count_matches` counts all matches. Nothing here costs in proportion to the number of matches:
bm25 is not used, because FTS5 computes its idf by walking every match of every phrase.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archive.db.cjk import NO_MATCH, query_terms, sql_match_expression
from archive.db.matching import make_snippet
from archive.db.search_index import (  # re-exported: the writers of article rows keep the index with these
    INDEX_SCHEME,
    index_article,
    index_entries,
    index_scheme,
    rebuild_index,
    search_shadows,
    unindex_article,
)
from archive.db.sql_functions import register_functions  # re-exported: where SQL clients look for it

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

__all__ = [
    "DEFAULT_KINDS",
    "INDEX_SCHEME",
    "SCAN_WINDOW",
    "SearchHit",
    "count_matches",
    "index_article",
    "index_entries",
    "index_scheme",
    "make_snippet",
    "ranked_search_sql",
    "rebuild_index",
    "register_functions",
    "search",
    "search_shadows",
    "unindex_article",
]

SCAN_WINDOW = 200
"""Matching articles, newest first, that each of the two scans (any match, title match) takes as
candidates, or as many as the results asked for if that is more; each candidate's text may be read to
count the query in it."""
# Rank of each page kind (see the view ``article_pages``); kinds missing here are never returned.
KIND_RANK = {"article": 0, "undated": 1, "short": 2, "listing": 3}
DEFAULT_KINDS = ("article", "undated", "short")


@dataclass(frozen=True)
class SearchHit:
    """One article matching a query. ``score``: occurrences of the query per 1,000 characters of text."""

    url: str
    title: str | None
    published: str | None
    section: str | None
    snippet: str
    score: float
    capture_id: str
    page_kind: str = "article"


_NEWER = "({n}.fetched_at > {p}.fetched_at OR ({n}.fetched_at = {p}.fetched_at AND {n}.capture_id > {p}.capture_id))"
_FIELDS = "doc, capture_id, url, fetched_at, published, section, page_kind, title, text_chars"


def ranked_search_sql(
    *,
    match: str,
    query: str,
    columns: str,
    limit: str,
    kinds: Sequence[str] = DEFAULT_KINDS,
    where: Sequence[str] = (),
    from_filters: bool = False,
) -> str:
    """The one ranked search query, shared by :func:`search` and the Datasette canned query.

    ``match`` is the SQL giving the MATCH expression, ``query`` the SQL giving the user's query (for
    ``cjk_hits``); ``columns`` is the
    outer select list over ``doc, capture_id, url, title, published, section, page_kind, text,
    title_hit, text_hits, score``; ``where`` adds conditions on the ``search_docs`` row, written with
    ``{doc}`` for its alias. One row per URL, the newest matching capture, in the order the module
    docstring gives.

    Texts are read only for the candidates in the groups (page kind, title or not) that the first
    ``limit`` results come from: with a word in a hundred titles, the others are never read.

    The candidates are found by walking the index's matches newest first and keeping those that pass
    ``where``; ``from_filters`` walks the rows that pass ``where`` instead (through the indexes of
    ``search_docs``) and keeps those among the matches, which is the faster way when the filters leave
    few rows and the query matches many.
    """
    kind_list = ", ".join(repr(kind) for kind in kinds)

    def doc_filter(alias: str) -> str:
        return " AND ".join([f"{alias}.page_kind IN ({kind_list})", *(w.format(doc=alias) for w in where)])

    def scan(index: str) -> str:
        if from_filters:
            return f"""SELECT d.rowid AS doc, d.capture_id, d.url, d.fetched_at, d.published, d.section, d.page_kind,
           d.title, d.text_chars
    FROM search_docs d
    WHERE {doc_filter("d")} AND d.rowid IN (SELECT rowid FROM {index} WHERE {index} MATCH {match})
    ORDER BY d.rowid DESC LIMIT max({SCAN_WINDOW}, {limit})"""
        return f"""SELECT d.rowid AS doc, d.capture_id, d.url, d.fetched_at, d.published, d.section, d.page_kind,
           d.title, d.text_chars
    FROM {index} CROSS JOIN search_docs d ON d.rowid = {index}.rowid
    WHERE {index} MATCH {match} AND {doc_filter("d")}
    ORDER BY {index}.rowid DESC LIMIT max({SCAN_WINDOW}, {limit})"""

    order = "kind_rank, title_hit DESC, text_hits DESC, text_chars, published DESC, url"
    return f"""WITH candidates AS MATERIALIZED (
    SELECT * FROM ({scan("articles_fts")})
    UNION
    SELECT * FROM ({scan("articles_fts_titles")})
),
newest AS MATERIALIZED (
    SELECT {_FIELDS} FROM (
        SELECT *, row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, capture_id DESC) AS version_rank
        FROM candidates)
    WHERE version_rank = 1
),
newer AS MATERIALIZED (
    SELECT p.doc AS replaces, n.rowid AS doc, n.capture_id, n.url, n.fetched_at, n.published, n.section,
           n.page_kind, n.title, n.text_chars
    FROM newest p CROSS JOIN search_docs n INDEXED BY idx_search_docs_url ON n.url = p.url
    WHERE {_NEWER.format(n="n", p="p")} AND {doc_filter("n")}
      AND EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH {match} AND articles_fts.rowid = n.rowid)
),
finalists AS MATERIALIZED (
    SELECT *, {kind_rank_sql()} AS kind_rank, cjk_hits(title, {query}) > 0 AS title_hit FROM (
        SELECT {_FIELDS} FROM newest WHERE doc NOT IN (SELECT replaces FROM newer)
        UNION ALL
        SELECT {_FIELDS} FROM (
            SELECT *, row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, capture_id DESC) AS version_rank
            FROM newer)
        WHERE version_rank = 1)
),
cutoff AS MATERIALIZED (
    SELECT kind_rank, title_hit FROM finalists ORDER BY kind_rank, title_hit DESC LIMIT 1 OFFSET ({limit}) - 1
),
ranked AS MATERIALIZED (
    SELECT f.*, cjk_hits(a.text, {query}) AS text_hits
    FROM finalists f JOIN articles a ON a.rowid = f.doc
    WHERE NOT EXISTS (SELECT 1 FROM cutoff c WHERE (f.kind_rank, -f.title_hit) > (c.kind_rank, -c.title_hit))
    ORDER BY {order}
    LIMIT {limit}
)
SELECT {columns}
FROM (
    SELECT r.*, a.text, round(1000.0 * r.text_hits / max(r.text_chars, 1), 3) AS score
    FROM ranked r JOIN articles a ON a.rowid = r.doc)
ORDER BY {order}"""


def kind_rank_sql(column: str = "page_kind") -> str:
    """A SQL expression ordering page kinds as :data:`KIND_RANK` does."""
    cases = " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in KIND_RANK.items())
    return f"CASE {column} {cases} ELSE {len(KIND_RANK)} END"


def search(
    db: Database | sqlite3.Connection,
    query: str,
    *,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    include_listings: bool = False,
) -> list[SearchHit]:
    """Articles matching every term of ``query``, best first (see the module docstring), one hit per URL.

    Terms are separated by whitespace; "double quotes" keep a phrase with spaces together. When
    several captures of a URL match, the newest matching one is returned. ``since`` and ``until``
    are inclusive ISO dates (or prefixes such as ``2018`` or ``2018-05``) compared to ``published``.
    Listing pages (channel pages, calendars: their text is mostly links to articles) match too, but
    only come back with ``include_listings``, after every other page.
    """
    expression = sql_match_expression(query)
    if expression == NO_MATCH:
        return []
    kinds = (*DEFAULT_KINDS, "listing") if include_listings else DEFAULT_KINDS
    params: dict[str, object] = {
        "expression": expression,
        "query": query,
        "limit": limit,
    }
    where = _filters(params, section=section, since=since, until=until)
    sql = ranked_search_sql(
        match=":expression",
        query=":query",
        columns="capture_id, url, title, published, section, text, score, page_kind",
        limit=":limit",
        kinds=kinds,
        where=where,
        from_filters=bool(where) and _few_pass(db, where, params),
    )
    terms = query_terms(query)
    return [
        SearchHit(
            url=row[1],
            title=row[2],
            published=row[3],
            section=row[4],
            snippet=make_snippet(row[5] or "", terms) or (row[2] or ""),
            score=row[6],
            capture_id=row[0],
            page_kind=row[7],
        )
        for row in db.execute(sql, params).fetchall()
    ]


FEW_FILTERED = 10_000
"""Below this many rows passing the filters, candidates are taken from those rows (see ``from_filters``)."""


def _few_pass(db: Database | sqlite3.Connection, where: Sequence[str], params: dict[str, object]) -> bool:
    conditions = " AND ".join(condition.format(doc="d") for condition in where)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM search_docs d WHERE {conditions} LIMIT {FEW_FILTERED})"
    return db.execute(sql, params).fetchone()[0] < FEW_FILTERED


# A date prefix compares as the published dates starting with it: "2018" up to and including every
# "2018…" (U+10FFFF sorts after any character a date holds), so the index on ``published`` serves.
_AFTER_EVERY_CONTINUATION = "\U0010ffff"


def _filters(
    params: dict[str, object], *, section: str | None, since: str | None, until: str | None
) -> list[str]:
    where: list[str] = []
    if section is not None:
        where.append("{doc}.section = :section")
        params["section"] = section
    if since is not None:
        where.append("{doc}.published >= :since")
        params["since"] = since
    if until is not None:
        where.append("{doc}.published <= :until")
        params["until"] = until + _AFTER_EVERY_CONTINUATION
    return where


def count_matches(
    db: Database | sqlite3.Connection,
    query: str,
    *,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
    include_listings: bool = False,
    cap: int | None = None,
) -> int:
    """How many indexed captures match ``query`` and the filters (every capture, not one per URL),
    counting no further than ``cap`` when it is given (a query matching everything stops there)."""
    expression = sql_match_expression(query)
    if expression == NO_MATCH:
        return 0
    kinds = (*DEFAULT_KINDS, "listing") if include_listings else DEFAULT_KINDS
    params: dict[str, object] = {"expression": expression}
    conditions = [f"d.page_kind IN ({', '.join(repr(kind) for kind in kinds)})"]
    conditions += [w.format(doc="d") for w in _filters(params, section=section, since=since, until=until)]
    limit = "" if cap is None else f" LIMIT {int(cap)}"
    sql = f"""SELECT count(*) FROM (
    SELECT 1 FROM articles_fts CROSS JOIN search_docs d ON d.rowid = articles_fts.rowid
    WHERE articles_fts MATCH :expression AND {" AND ".join(conditions)}{limit})"""
    return db.execute(sql, params).fetchone()[0]
