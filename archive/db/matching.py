"""Finding a query's terms in an article's text without the index: counting them (for ranking) and
cutting a snippet around the first one with every match marked.

Both look at the text as written first and normalize (NFKC) only when they must: normalizing a whole
article costs more than the rest of a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive.db.cjk import (
    find_phrase,
    has_compatibility_forms,
    is_cjk,
    normalized,
    query_terms,
    term_pattern,
    tokenize,
)

SNIPPET_BEFORE = 30
SNIPPET_AFTER = 90
HIGHLIGHT = ("【", "】")


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


def snippet_for_query(text: str | None, query: str | None) -> str:
    """:func:`make_snippet` for a query as typed (what SQL's ``cjk_snippet(text, q)`` gives)."""
    return make_snippet(text or "", query_terms(query or ""))


# Characters of original text tokenized on each side of a snippet: a token cut at the edge of what is
# tokenized (a long Latin word) then lies outside what the snippet shows, so the marks inside it are
# the ones tokenizing the whole text would give.
_WINDOW_MARGIN = 16


def make_snippet(text: str, terms: list[list[str]]) -> str:
    """A short window of ``text`` around the first match, every match inside it marked 【like this】.

    Only a window around the first match is looked at: a long article costs no more than a short one.
    Terms of CJK characters are found in it as they are written; any other term makes the window be
    tokenized.
    """
    first = _first_match(text, terms)
    if first is None:
        return _shorten(text, 0, SNIPPET_BEFORE + SNIPPET_AFTER)
    window_start = max(0, first - SNIPPET_BEFORE)
    window_end = min(len(text), first + SNIPPET_AFTER)
    literals = [term_matcher(tuple(tokens)).literal for tokens in terms if tokens]
    if all(literals):
        spans = sorted(
            (start, start + len(literal))
            for literal in literals
            for start in _occurrences(text, literal, window_start, window_end)
        )
    else:
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


def _occurrences(text: str, literal: str, start: int, end: int) -> list[int]:
    """Where ``literal`` starts in ``text[start:end]`` (overlapping ones included, as the index finds)."""
    found = []
    at = text.find(literal, start, end)
    while at >= 0:
        found.append(at)
        at = text.find(literal, at + 1, end)
    return found


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
