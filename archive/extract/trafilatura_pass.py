"""Run trafilatura the reproducible way: no dedup cache, dates capped at the capture date.

trafilatura keeps a process-wide cache for deduplication (so a page's text depends on the pages seen
before it) and lets htmldate accept dates up to *today*; both would make a rebuild from WARC differ from
the live crawl, so both are switched off here. Failure comes back as None, which callers turn into an
explicit status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.metadata import extract_url

from .options import ExtractOptions

# When the capture date is unknown, a fixed far bound keeps output independent of the day we run on.
_NO_CAPTURE_BOUND = dt.date(2100, 1, 1)


@dataclass(frozen=True)
class TrafilaturaResult:
    text: str | None
    title: str | None
    date: str | None
    author: str | None


def date_params(capture_date: dt.date | None) -> dict[str, object]:
    latest = capture_date or _NO_CAPTURE_BOUND
    return {"extensive_search": True, "original_date": True, "max_date": latest.isoformat()}


def run_trafilatura(
    html: str | etree._Element,
    url: str | None,
    capture_date: dt.date | None,
    options: ExtractOptions,
    with_metadata: bool = False,
    fast: bool = False,
) -> TrafilaturaResult | None:
    """trafilatura's body (and, when asked, its metadata). Without metadata it skips its title,
    author, site-name and htmldate passes: about a third of its time, which we mostly do not need.

    ``fast`` skips its fallbacks (justext, readability), whose cost grows faster than the page.
    A page too deep for its recursive passes counts as one trafilatura could not read (None)."""
    try:
        document = _bare_extraction(html, url, capture_date, options, with_metadata, fast)
    except RecursionError:
        return None
    if document is None:
        return None
    return TrafilaturaResult(
        text=getattr(document, "text", None),
        title=getattr(document, "title", None),
        date=getattr(document, "date", None),
        author=getattr(document, "author", None),
    )


def _bare_extraction(
    html: str | etree._Element,
    url: str | None,
    capture_date: dt.date | None,
    options: ExtractOptions,
    with_metadata: bool,
    fast: bool,
) -> object:
    return trafilatura.bare_extraction(
        html,
        url=url or None,
        fast=fast,
        with_metadata=with_metadata,
        include_comments=False,
        include_tables=options.include_tables,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        deduplicate=False,
        date_extraction_params=date_params(capture_date),
    )


def find_html_date(root: etree._Element, url: str | None, capture_date: dt.date | None) -> str | None:
    """htmldate on the parsed page, called as trafilatura calls it (canonical URL first), but only when
    our own text rules found no date."""
    page_url = url or None
    try:
        page_url = extract_url(root, page_url) or page_url
    except Exception:  # an internal helper of trafilatura: if it moves, the given URL still works
        page_url = url or None
    # Without the extensive search: it hands free text to dateparser, which tries every locale it knows
    # (0.1 s and more per page), and our own rules already read the Chinese date forms it would find.
    try:
        found = find_date(root, url=page_url, **{**date_params(capture_date), "extensive_search": False})
    except RecursionError:
        return None  # a page nested too deep for htmldate: the date stays unknown
    return str(found) if found else None
