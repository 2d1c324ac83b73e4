"""Full-text search over article titles and texts that works for two-character Chinese queries and stays
fast at 100,000 articles.

The index (schema migration 20, docs/schema.md) has three parts:

* ``articles_fts``: a *contentless* FTS5 table over the indexed form of title and text built by
  :mod:`archive.db.cjk` (pairs of CJK characters, boundary tokens at punctuation), rowid = the
  article's rowid, with a one-character prefix index for single-character queries. It stores no text:
  the articles table already holds it.
* ``search_docs``: one narrow row per indexed article (rowid = the article's rowid) with what search
  filters and ranks on (URL, capture time, date, section, page kind), so that neither filtering nor
  choosing the newest capture of a URL reads the wide article rows.
* ``search_stale``: what the index holds for an article whose title, text or status changed since it
  was indexed, kept by triggers on ``articles``: removing a document from a contentless FTS5 table
  takes the very values it was indexed with, and the article row holds the new ones by the time
  :func:`index_article` runs.

Ranking, in order (each key breaks the ties of the one before; docs/schema.md says why):

1. page kind: dated articles, then undated pages, then short stubs, then listings (pages whose text
   is mostly link titles; left out unless asked for);
2. pages whose title contains a term of the query before the others;
3. how often the query occurs in the text (on a magazine site, the article *about* 海西 says it often);
4. the shorter text, of two with equal counts (the query weighs more in it);
5. newest publication date, then URL, so that equal scores come back in a stable order.

The order is exact over a bounded set of candidates: the newest :data:`SCAN_WINDOW` matching
articles and the newest :data:`SCAN_WINDOW` with the whole query in the title, or as many of each as
results are asked for if that is more (FTS5 walks its lists newest first and stops there). A query matching fewer articles than that (almost every query that names
something) is ranked over all of its matches; a query matching more (的, 民族, 发展) is ranked among
the newest of them. Recall is exact either way: every result contains every term, and
:func:`count_matches` counts all matches. Nothing here costs in proportion to the number of matches:
bm25 is not used, because FTS5 computes its idf by walking every match of every phrase.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlite_utils import Database

from archive.db.cjk import (
    NO_MATCH,
    find_phrase,
    has_compatibility_forms,
    index_text,
    is_cjk,
    normalized,
    query_terms,
    sql_match_expression,
    term_pattern,
    tokenize,
)

SCAN_WINDOW = 200
"""Matching articles, newest first, that each of the two scans (any match, title match) takes as
candidates, or as many as the results asked for if that is more; each candidate's text may be read to
count the query in it."""
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 90
HIGHLIGHT = ("【", "】")
# Rank of each page kind (see the view ``article_pages``); kinds missing here are never returned.
KIND_RANK = {"article": 0, "undated": 1, "short": 2, "listing": 3}
DEFAULT_KINDS = ("article", "undated", "short")
INDEX_SCHEME = f"pairs-1 unicode-{unicodedata.unidata_version}"
"""The token scheme and the Unicode tables it was computed with. A contentless index can only drop a
document given the tokens it was indexed with, so an index built under another scheme is rebuilt."""


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


def register_functions(conn: sqlite3.Connection) -> None:
    """Expose the search functions to SQL on ``conn``.

    Any SQL client (a Datasette canned query, the sqlite3 shell with Python) can then search with
    ``articles_fts MATCH cjk_query(:q)`` (or ``articles_fts_titles``, titles only). ``cjk_hits(text, q)``
    counts q's occurrences in a text, ``cjk_snippet(text, q)`` cuts a marked snippet and
    ``cjk_shadow(text)`` gives the indexed form.
    """
    conn.create_function("cjk_query", 1, sql_match_expression, deterministic=True)
    conn.create_function("cjk_shadow", 1, index_text, deterministic=True)
    conn.create_function("cjk_hits", 2, count_hits, deterministic=True)
    conn.create_function(
        "cjk_snippet",
        2,
        lambda text, query: make_snippet(text or "", query_terms(query or "")),
        deterministic=True,
    )


@dataclass(frozen=True)
class TermMatcher:
    """Finds one term of a query in a text the way the index does, cheaply.

    The term is looked for in the text as written: a term of CJK characters (most Chinese queries) as
    a plain substring, anything else with its :func:`~archive.db.cjk.term_pattern` ignoring case.
    Normalizing a whole article (NFKC) costs more than the rest of a search, so only a text where that
    finds nothing and that holds forms normalization rewrites (ＤＳＣ for DSC, a compatibility
    ideograph) is normalized. A text with both forms has only its plain ones counted.
    """

    literal: str | None
    pattern: re.Pattern[str]
    loose: re.Pattern[str]

    def count(self, text: str) -> int:
        found = text.count(self.literal) if self.literal is not None else len(self.loose.findall(text))
        if found or not has_compatibility_forms(text):
            return found
        return len(self.pattern.findall(normalized(text)))


@lru_cache(maxsize=256)
def term_matcher(tokens: tuple[str, ...]) -> TermMatcher:
    literal = "".join(tokens) if all(len(token) == 1 and is_cjk(token) for token in tokens) else None
    pattern = term_pattern(list(tokens))
    return TermMatcher(literal, pattern, re.compile(pattern.pattern, re.IGNORECASE))


@lru_cache(maxsize=64)
def _query_matchers(query: str) -> tuple[TermMatcher, ...]:
    return tuple(term_matcher(tuple(tokens)) for tokens in query_terms(query))


def count_hits(text: str | None, query: str | None) -> int:
    """How many times the terms of ``query`` occur in ``text``, summed over terms, counted where the
    index would find them (CJK as substrings, Latin words whole, after normalization)."""
    if not text or not query:
        return 0
    return sum(matcher.count(text) for matcher in _query_matchers(query))


# -- keeping the index -----------------------------------------------------------------------------


def index_article(db: Database, capture_id: str, title: str | None, text: str | None) -> None:
    """Put one article into the index (``title`` and ``text`` as just stored in its row), replacing
    what the index held for it.

    An unchanged entry is left alone: FTS5 appends a new segment on every write, so rewriting equal
    content would change the index's bytes and ingesting twice would no longer be a no-op.
    """
    rowid = _article_rowid(db, capture_id)
    indexed = _is_indexed(db, rowid)
    stale = _stale_entry(db, rowid)
    if not indexed:
        _fts_insert(db, rowid, title, text)
    elif stale is not None:
        _fts_delete(db, rowid, *stale)
        _fts_insert(db, rowid, title, text)
    db.execute("DELETE FROM search_stale WHERE doc = ?", [rowid])
    _write_doc(db, rowid, capture_id)


def unindex_article(db: Database, capture_id: str) -> None:
    """Remove a capture's entry from the index (it is no longer an ``ok`` article with text)."""
    row = db.execute("SELECT rowid, title, text FROM articles WHERE capture_id = ?", [capture_id]).fetchone()
    if row is None or not _is_indexed(db, row[0]):
        return
    rowid = row[0]
    stale = _stale_entry(db, rowid)
    _fts_delete(db, rowid, *(stale if stale is not None else row[1:]))
    db.execute("DELETE FROM search_stale WHERE doc = ?", [rowid])
    db.execute("DELETE FROM search_docs WHERE rowid = ?", [rowid])


def rebuild_index(db: Database) -> int:
    """Index every ``ok`` article with text from scratch (what a rebuild would give); returns how many.

    Used by the migration that introduced this index and when the index was built under another
    :data:`INDEX_SCHEME`.
    """
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    db.execute("INSERT INTO articles_fts_titles (articles_fts_titles) VALUES ('delete-all')")
    db.execute("DELETE FROM search_docs")
    db.execute("DELETE FROM search_stale")
    rows = db.execute(
        "SELECT rowid, capture_id, title, text FROM articles "
        "WHERE status = 'ok' AND coalesce(text, '') <> '' ORDER BY rowid"
    )
    count = 0
    for rowid, capture_id, title, text in rows.fetchall():
        _fts_insert(db, rowid, title, text)
        _write_doc(db, rowid, capture_id)
        count += 1
    db.execute("INSERT OR REPLACE INTO search_meta (key, value) VALUES ('scheme', ?)", [INDEX_SCHEME])
    return count


def index_scheme(db: Database) -> str | None:
    row = db.execute("SELECT value FROM search_meta WHERE key = 'scheme'").fetchone()
    return row[0] if row else None


def _fts_insert(db: Database, rowid: int, title: str | None, text: str | None) -> None:
    indexed_title = index_text(title)
    db.execute(
        "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
        [rowid, indexed_title, index_text(text)],
    )
    db.execute("INSERT INTO articles_fts_titles (rowid, title) VALUES (?, ?)", [rowid, indexed_title])


def _fts_delete(db: Database, rowid: int, title: str | None, text: str | None) -> None:
    indexed_title = index_text(title)
    db.execute(
        "INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
        [rowid, indexed_title, index_text(text)],
    )
    db.execute(
        "INSERT INTO articles_fts_titles (articles_fts_titles, rowid, title) VALUES ('delete', ?, ?)",
        [rowid, indexed_title],
    )


def _is_indexed(db: Database, rowid: int) -> bool:
    return db.execute("SELECT 1 FROM search_docs WHERE rowid = ?", [rowid]).fetchone() is not None


def _stale_entry(db: Database, rowid: int) -> tuple[str | None, str | None] | None:
    row = db.execute("SELECT title, text FROM search_stale WHERE doc = ?", [rowid]).fetchone()
    return (row[0], row[1]) if row else None


_DOC_COLUMNS = ("capture_id", "url", "fetched_at", "published", "section", "page_kind", "title", "text_chars")


def _write_doc(db: Database, rowid: int, capture_id: str) -> None:
    """The article's ``search_docs`` row, from the view that defines page kinds (written only if it
    changed, so that storing an article twice leaves the file as it was)."""
    doc = db.execute(
        f"SELECT {', '.join(_DOC_COLUMNS)} FROM article_pages WHERE capture_id = ?", [capture_id]
    ).fetchone()
    if doc is None:  # no capture row: indexed for SQL clients, but of no kind that search() returns
        doc = db.execute(
            "SELECT capture_id, url, NULL, published, section, 'uncaptured', title, length(text) FROM articles "
            "WHERE capture_id = ?",
            [capture_id],
        ).fetchone()
    stored = db.execute(
        f"SELECT {', '.join(_DOC_COLUMNS)} FROM search_docs WHERE rowid = ?", [rowid]
    ).fetchone()
    if stored == doc:
        return
    db.execute(
        f"INSERT OR REPLACE INTO search_docs (rowid, {', '.join(_DOC_COLUMNS)}) VALUES (?{', ?' * len(_DOC_COLUMNS)})",
        [rowid, *doc],
    )


def _article_rowid(db: Database, capture_id: str) -> int:
    row = db.execute("SELECT rowid FROM articles WHERE capture_id = ?", [capture_id]).fetchone()
    if row is None:
        raise KeyError(f"no article row for capture {capture_id}")
    return row[0]


# -- querying --------------------------------------------------------------------------------------

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
    """
    kind_list = ", ".join(repr(kind) for kind in kinds)

    def doc_filter(alias: str) -> str:
        return " AND ".join([f"{alias}.page_kind IN ({kind_list})", *(w.format(doc=alias) for w in where)])

    def scan(index: str) -> str:
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
    FROM newest p JOIN search_docs n ON n.url = p.url
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


def _filters(
    params: dict[str, object], *, section: str | None, since: str | None, until: str | None
) -> list[str]:
    where: list[str] = []
    if section is not None:
        where.append("{doc}.section = :section")
        params["section"] = section
    if since is not None:
        where.append("substr({doc}.published, 1, length(:since)) >= :since")
        params["since"] = since
    if until is not None:
        where.append("substr({doc}.published, 1, length(:until)) <= :until")
        params["until"] = until
    return where


def count_matches(
    db: Database,
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


# -- snippets --------------------------------------------------------------------------------------

# Characters of original text tokenized on each side of a snippet: a token cut at the edge of what is
# tokenized (a long Latin word) then lies outside what the snippet shows, so the marks inside it are
# the ones tokenizing the whole text would give.
_WINDOW_MARGIN = 16


def make_snippet(text: str, terms: list[list[str]]) -> str:
    """A short window of ``text`` around the first match, every match inside it marked 【like this】.

    Only a window around the first match is tokenized: a long article costs no more than a short one.
    """
    first = _first_match(text, terms)
    if first is None:
        return _shorten(text, 0, SNIPPET_BEFORE + SNIPPET_AFTER)
    window_start = max(0, first - SNIPPET_BEFORE)
    window_end = min(len(text), first + SNIPPET_AFTER)
    offset = max(0, window_start - _WINDOW_MARGIN)
    tokens = tokenize(text[offset : window_end + _WINDOW_MARGIN])
    spans = sorted(
        (start + offset, end + offset) for phrase in terms for start, end in find_phrase(tokens, phrase)
    )
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


def _first_match(text: str, terms: list[list[str]]) -> int | None:
    """Where the first occurrence of any term starts in ``text``.

    A term of CJK characters is looked up as it is. Other terms are found with their patterns in the
    normalized text and checked by tokenizing the original around that place; only when normalization
    moved characters in a way that check rejects is the whole text tokenized.
    """
    matchers = [term_matcher(tuple(tokens)) for tokens in terms if tokens]
    literal_starts = [
        found for matcher in matchers if matcher.literal and (found := text.find(matcher.literal)) >= 0
    ]
    loose_starts = [
        found.start() for matcher in matchers if not matcher.literal and (found := matcher.loose.search(text))
    ]
    others = [matcher for matcher in matchers if not matcher.literal or matcher.literal not in text]
    if loose_starts and len(loose_starts) == len(others):  # every other term found as written
        index = min(loose_starts)
        if literal_starts and min(literal_starts) <= index:
            return min(literal_starts)
        offset = max(0, index - _WINDOW_MARGIN)
        tokens = tokenize(text[offset : index + _WINDOW_MARGIN * 8])
        if any(start + offset == index for phrase in terms for start, _ in find_phrase(tokens, phrase)):
            return index
    if not others:
        return min(literal_starts) if literal_starts else None
    folded = normalized(text)
    starts = [found.start() for matcher in others if (found := matcher.pattern.search(folded))]
    if not starts:
        return min(literal_starts) if literal_starts else None
    index = min(starts) if len(folded) == len(text) else _original_index(text, min(starts))
    if literal_starts and min(literal_starts) <= index:
        return min(literal_starts)
    offset = max(0, index - _WINDOW_MARGIN)
    tokens = tokenize(text[offset : index + _WINDOW_MARGIN * 2])
    if any(start + offset == index for phrase in terms for start, _ in find_phrase(tokens, phrase)):
        return index
    every = [start for phrase in terms for start, _ in find_phrase(tokenize(text), phrase)]
    return min(every) if every else None


def _original_index(text: str, position: int) -> int:
    """The index in ``text`` of the character whose normalized form holds ``position`` of the normalized
    text (NFKC turns … into three characters, so the two texts' offsets drift apart)."""
    low, high = 0, len(text)
    while low < high:  # the shortest prefix whose normalized form reaches past ``position``
        middle = (low + high) // 2
        if len(normalized(text[: middle + 1])) > position:
            high = middle
        else:
            low = middle + 1
    return low


def _shorten(text: str, start: int, end: int) -> str:
    snippet = " ".join(text[start:end].split("\n"))
    return snippet + ("…" if end < len(text) else "")
