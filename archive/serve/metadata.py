"""Datasette metadata for an archive: what the reader sees (title, descriptions), the facets and the
canned queries. Built in code because the database name (the file's stem) is part of the keys.
"""

from __future__ import annotations

from typing import Any

from archive.db.search import ranked_search_sql
from archive.serve.plugin import SEARCH_BOX_WINDOW
from archive.sites import DEFAULT_SITE

TITLE = DEFAULT_SITE.archive_title
DESCRIPTION = (
    f"{DEFAULT_SITE.archive_description} Search articles in Chinese (two characters or more) with the search query or the "
    "search box of the articles table; every capture keeps its WARC file and offset."
)

# The CLI's query (archive.db.search), over the newest matching capture of each URL; listings left out.
SEARCH_SQL = ranked_search_sql(
    match="cjk_query(:q)",
    query=":q",
    columns="title, url, published, section, cjk_snippet(text, :q) AS snippet, text_hits AS occurrences, "
    "page_kind, capture_id",
    limit="100",
)

SECTION_SQL = """SELECT published, title, url, author, text_chars, capture_id
FROM latest_articles
WHERE page_kind = 'article' AND section = :section
  AND (:since = '' OR substr(published, 1, length(:since)) >= :since)
  AND (:until = '' OR substr(published, 1, length(:until)) <= :until)
ORDER BY published DESC, url"""

CAPTURES_SQL = """SELECT fetched_at, record_type, http_status, mime_type, article_status, title, text_chars,
       payload_digest, warc_filename, warc_offset, record_id, run_id
FROM capture_history WHERE url = :url ORDER BY fetched_at, record_id"""


def archive_metadata(database: str) -> dict[str, Any]:
    """Metadata for one archive served under the name ``database``."""
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": DEFAULT_SITE.host,
        "source_url": DEFAULT_SITE.origin + "/",
        "plugins": {"minzu-archive": {"archive_databases": [database]}},
        "databases": {
            database: {
                "title": TITLE,
                "description": DESCRIPTION,
                "tables": {
                    "articles": {
                        "description": "One row per extracted HTML capture; search box: Chinese full text "
                        f"(the newest {SEARCH_BOX_WINDOW:,} matching rows when more match).",
                        "facets": ["section", {"date": "published"}, "status"],
                        "sort_desc": "published",
                        "label_column": "title",
                    },
                    "article_pages": {
                        "description": "Articles with their kind (article, listing, short, undated) and link share.",
                        "facets": ["page_kind", "section", {"date": "published"}, "status"],
                    },
                    "latest_articles": {
                        "description": "The newest extraction of each URL.",
                        "facets": ["page_kind", "section", {"date": "published"}],
                    },
                    "captures": {
                        "description": "One row per response, revisit or resource record.",
                        "facets": ["mime_type", "status", "record_type"],
                        "sort_desc": "fetched_at",
                    },
                    "capture_history": {"facets": ["record_type", "http_status", "mime_type"]},
                    "articles_per_section_month": {"facets": ["section"]},
                    "articles_fts": {"hidden": True},
                    "articles_fts_titles": {"hidden": True},
                    "search_docs": {"hidden": True},
                    "search_stale": {"hidden": True},
                    "search_meta": {"hidden": True},
                },
                "queries": {
                    "search": {
                        "title": "Search articles (全文检索)",
                        "description": "Articles containing every word of q, best first, "
                        "with the match marked 【like this】.",
                        "sql": SEARCH_SQL,
                        "hide_sql": True,
                        "params": ["q"],
                    },
                    "section_articles": {
                        "title": "Articles of a section in a date range",
                        "description": "section: e.g. 示范创建; since/until: YYYY, YYYY-MM or "
                        "YYYY-MM-DD, inclusive; leave empty for no bound.",
                        "sql": SECTION_SQL,
                        "hide_sql": True,
                        "params": ["section", "since", "until"],
                    },
                    "url_captures": {
                        "title": "Captures of a URL",
                        "description": "Every capture of url over time, with its WARC location.",
                        "sql": CAPTURES_SQL,
                        "hide_sql": True,
                        "params": ["url"],
                    },
                },
            }
        },
    }
