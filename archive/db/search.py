"""Full-text search over article titles and texts that works for two-character Chinese queries.

The FTS5 table ``articles_fts`` holds the *shadow* form of title and text built by
:mod:`archive.db.cjk` (one token per CJK character, boundary tokens at punctuation). A query is
turned into phrases the same way, so a run of CJK characters matches exactly the articles that
contain it. Snippets are cut from the original text.

Ranking, in order (each key breaks the ties of the one before; docs/schema.md says why):

1. page kind (view ``article_pages``): dated articles, then undated pages, then short stubs, then
   listings (pages whose text is mostly link titles; left out unless asked for);
2. pages whose title contains the query before the others;
3. how often the query occurs in the text (on a magazine site, the article *about* 海西 says it often);
4. bm25 (title weighted 4x), which favours the shorter of two texts with equal counts;
5. newest publication date, then URL, so that equal scores come back in a stable order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from archive.db.cjk import (
    find_phrase,
    match_expression,
    query_terms,
    shadow_text,
    sql_match_expression,
    tokenize,
)

TITLE_WEIGHT = 4.0
TEXT_WEIGHT = 1.0
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 90
HIGHLIGHT = ("【", "】")
# Rank of each page kind (see the view ``article_pages``); kinds missing here are never returned.
KIND_RANK = {"article": 0, "undated": 1, "short": 2, "listing": 3}
DEFAULT_KINDS = ("article", "undated", "short")


@dataclass(frozen=True)
class SearchHit:
    """One article matching a query. ``score`` is bm25 negated: higher means more relevant."""

    url: str
    title: str | None
    published: str | None
    section: str | None
    snippet: str
    score: float
    capture_id: str
    page_kind: str = "article"


def register_functions(conn: sqlite3.Connection) -> None:
    """Expose ``cjk_query(text)`` and ``cjk_shadow(text)`` to SQL on ``conn``.

    Any SQL client (a Datasette canned query, the sqlite3 shell with Python) can then search with
    ``articles_fts MATCH cjk_query(:q)``.
    """
    conn.create_function("cjk_query", 1, sql_match_expression, deterministic=True)
    conn.create_function("cjk_shadow", 1, shadow_text, deterministic=True)
    conn.create_function("cjk_hits", 2, count_hits, deterministic=True)
    conn.create_function(
        "cjk_snippet",
        2,
        lambda text, query: make_snippet(text or "", query_terms(query or "")),
        deterministic=True,
    )


def count_hits(shadow: str | None, query: str | None) -> int:
    """How many times the terms of ``query`` occur in an indexed (shadow) column, summed over terms.

    The shadow text is space-separated tokens, so counting `` 海 西 `` inside it counts whole-token
    matches, exactly what the MATCH expression matched.
    """
    if not shadow or not query:
        return 0
    padded = f" {shadow} "
    return sum(padded.count(" " + " ".join(tokens) + " ") for tokens in query_terms(query))


def search_shadows(title: str | None, text: str | None) -> tuple[str, str]:
    """The indexed forms of an article's title and text: pure, so ingest may compute them in a worker."""
    return shadow_text(title), shadow_text(text)


def index_article(
    db: Database,
    capture_id: str,
    title: str | None,
    text: str | None,
    *,
    shadows: tuple[str, str] | None = None,
) -> None:
    """Put one article into the index, replacing any earlier entry for the same capture.

    ``shadows`` are :func:`search_shadows` of the title and text when the caller has them already.
    An unchanged entry is left alone: FTS5 appends a new segment on every write, so rewriting equal
    content would change the index's bytes and ingesting twice would no longer be a no-op.
    """
    rowid = _article_rowid(db, capture_id)
    entry = (capture_id, *(shadows or search_shadows(title, text)))
    stored = db.execute(
        "SELECT capture_id, title, text FROM articles_fts WHERE rowid = ?", [rowid]
    ).fetchone()
    if stored == entry:
        return
    if stored is not None:
        db.execute("DELETE FROM articles_fts WHERE rowid = ?", [rowid])
    db.execute(
        "INSERT INTO articles_fts (rowid, capture_id, title, text) VALUES (?, ?, ?, ?)", [rowid, *entry]
    )


def unindex_article(db: Database, capture_id: str) -> None:
    """Remove a capture's entry from the index (it is no longer an ``ok`` article)."""
    row = db.execute("SELECT rowid FROM articles WHERE capture_id = ?", [capture_id]).fetchone()
    if row is not None:
        db.execute("DELETE FROM articles_fts WHERE rowid = ?", [row[0]])


def _article_rowid(db: Database, capture_id: str) -> int:
    row = db.execute("SELECT rowid FROM articles WHERE capture_id = ?", [capture_id]).fetchone()
    if row is None:
        raise KeyError(f"no article row for capture {capture_id}")
    return row[0]


def ranked_search_sql(
    *,
    match: str,
    query: str,
    columns: str,
    limit: str,
    kinds: Sequence[str] = DEFAULT_KINDS,
    where: Sequence[str] = (),
) -> str:
    """The one ranked search query, shared by :func:`search` and the Datasette canned query.

    ``match`` is the SQL giving the MATCH expression, ``query`` the SQL giving the user's query (for
    ``cjk_hits``); ``columns`` is the outer select list over ``capture_id, url, title, published, section,
    page_kind, fetched_at, text, score``; ``where`` adds conditions on ``a`` (articles) and ``p``
    (article_pages). One row per URL, the newest matching capture, in the order the module docstring
    gives.
    """
    conditions = [
        f"articles_fts MATCH {match}",
        "a.status = 'ok'",
        f"p.page_kind IN ({', '.join(repr(kind) for kind in kinds)})",
        *where,
    ]
    return f"""WITH scored AS MATERIALIZED (
    SELECT p.capture_id, p.url, p.title, p.published, p.section, p.page_kind, p.fetched_at, a.text,
           -bm25(articles_fts, 0.0, {TITLE_WEIGHT}, {TEXT_WEIGHT}) AS score,
           cjk_hits(articles_fts.title, {query}) AS title_hits,
           cjk_hits(articles_fts.text, {query}) AS text_hits
    FROM articles_fts
    JOIN articles a ON a.rowid = articles_fts.rowid
    JOIN article_pages p ON p.capture_id = a.capture_id
    WHERE {" AND ".join(conditions)}
),
newest AS (
    SELECT *, row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, capture_id DESC) AS version_rank
    FROM scored
)
SELECT {columns}
FROM newest WHERE version_rank = 1
ORDER BY {kind_rank_sql()}, title_hits > 0 DESC, text_hits DESC, score DESC, published DESC, url
LIMIT {limit}"""


def kind_rank_sql(column: str = "page_kind") -> str:
    """A SQL expression ordering page kinds as :data:`KIND_RANK` does."""
    cases = " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in KIND_RANK.items())
    return f"CASE {column} {cases} ELSE {len(KIND_RANK)} END"


def search(
    db: Database,
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
    expression = match_expression(query)
    if not expression:
        return []
    kinds = (*DEFAULT_KINDS, "listing") if include_listings else DEFAULT_KINDS
    where: list[str] = []
    params: dict[str, object] = {"expression": expression, "query": query, "limit": limit}
    if section is not None:
        where.append("a.section = :section")
        params["section"] = section
    if since is not None:
        where.append("substr(a.published, 1, length(:since)) >= :since")
        params["since"] = since
    if until is not None:
        where.append("substr(a.published, 1, length(:until)) <= :until")
        params["until"] = until
    sql = ranked_search_sql(
        match=":expression",
        query=":query",
        columns="capture_id, url, title, published, section, text, score, page_kind",
        limit=":limit",
        kinds=kinds,
        where=where,
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


def make_snippet(text: str, terms: list[list[str]]) -> str:
    """A short window of ``text`` around the first match, every match inside it marked 【like this】."""
    tokens = tokenize(text)
    spans = sorted(span for phrase in terms for span in find_phrase(tokens, phrase))
    if not spans:
        return _shorten(text, 0, SNIPPET_BEFORE + SNIPPET_AFTER)
    first_start = spans[0][0]
    window_start = max(0, first_start - SNIPPET_BEFORE)
    window_end = min(len(text), first_start + SNIPPET_AFTER)
    pieces: list[str] = ["…" if window_start > 0 else ""]
    cursor = window_start
    for start, end in spans:
        if start < cursor or end > window_end:
            continue
        pieces += [text[cursor:start], HIGHLIGHT[0], text[start:end], HIGHLIGHT[1]]
        cursor = end
    pieces.append(text[cursor:window_end])
    if window_end < len(text):
        pieces.append("…")
    return " ".join("".join(pieces).split("\n"))


def _shorten(text: str, start: int, end: int) -> str:
    snippet = " ".join(text[start:end].split("\n"))
    return snippet + ("…" if end < len(text) else "")
