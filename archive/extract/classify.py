"""Is this page an article at all? Listings, home pages and archive calendars are stored, not indexed.

A listing page also "has a body": the container vote falls on its list of titles, and htmldate then
finds a date in the first list item, so without this check every listing reaches search results with a
bogus published date. The check uses what a reader sees, not URL patterns of one site:

* prose: lines that read as sentences (long enough, sentence punctuation, not mostly linked);
* list items: lines that are mostly a link, once a date printed next to the link is set aside
  (the "title + date" rows of listings and calendars);
* plain lines: the rest (verse, lyrics, an address line).

A page with no prose line is not an article unless it holds a fair amount of plain unlinked text
(a poem) that outweighs its links; nor is one whose body is mostly list items with only a
little prose (an introduction above a list of titles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import DATE_PATTERN
from .lines import TextLine

_SENTENCE_MARK = re.compile(r"[，。！？；、,!?;]|\.(?:\s|$)")
_MIN_PROSE_CJK = 15
_MIN_PROSE_LATIN = 60
_NOT_CJK = re.compile(r"[^\u3400-\u9fff]+")  # what is left after removing these runs is the CJK
_ITEM_LINK_SHARE = 0.5
_MIN_ITEMS = 5  # fewer list items than this never make a listing
_ITEMS_OVER_PROSE = 2.0  # list text this many times the prose text: the page is a listing
_MAX_LISTING_PROSE = 3
# Verse and lyrics have no sentence punctuation: unlinked text of this size keeps a page an article.
_MIN_VERSE_CHARS = 100  # a listing's introduction is at most this many prose lines


@dataclass(frozen=True)
class PageShape:
    """Counts that tell an article from a list of links; kept small so tests can state them."""

    prose_lines: int
    prose_chars: int
    item_lines: int
    item_chars: int
    plain_chars: int = 0  # text that is neither prose nor a link: verse, lyrics, addresses, labels


def _undated(line: TextLine) -> tuple[int, float]:
    """Length of the line without its dates, and the share of that length which is linked."""
    dated = sum(len(m.group(0)) for m in DATE_PATTERN.finditer(line.text))
    length = max(1, len(line.text) - dated)
    return length, min(1.0, line.link_chars / length)


def is_prose(line: TextLine) -> bool:
    """A line a reader reads as sentences: long enough, punctuated, not a link."""
    length, linked = _undated(line)
    if linked > 0.3 or not _SENTENCE_MARK.search(line.text):
        return False
    cjk = len(_NOT_CJK.sub("", line.text))
    return length >= (_MIN_PROSE_CJK if cjk > length / 3 else _MIN_PROSE_LATIN)


def is_list_item(line: TextLine) -> bool:
    """A linked title, possibly with its date beside it ("标题 2018-05-18")."""
    _, linked = _undated(line)
    return linked > _ITEM_LINK_SHARE


def page_shape(lines: Iterable[TextLine]) -> PageShape:
    prose_lines = prose_chars = item_lines = item_chars = plain_chars = 0
    for line in lines:
        if is_prose(line):
            prose_lines += 1
            prose_chars += len(line.text)
        elif is_list_item(line):
            item_lines += 1
            item_chars += len(line.text)
        else:
            plain_chars += len(line.text)
    return PageShape(prose_lines, prose_chars, item_lines, item_chars, plain_chars)


def not_article_reason(shape: PageShape) -> str | None:
    """Why a page with this shape is not an article, or None when it reads as one."""
    if shape.prose_lines == 0 and (
        shape.plain_chars < _MIN_VERSE_CHARS or shape.item_chars > shape.plain_chars
    ):
        return "no prose paragraphs (listing, index or navigation page)"
    if (
        shape.item_lines >= _MIN_ITEMS
        and shape.prose_lines <= _MAX_LISTING_PROSE
        and shape.item_chars >= _ITEMS_OVER_PROSE * shape.prose_chars
    ):
        return f"list of {shape.item_lines} linked items with little prose (listing page)"
    return None
