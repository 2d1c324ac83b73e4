"""Turn Chinese text into tokens that SQLite's stock FTS5 ``unicode61`` tokenizer can index.

``unicode61`` keeps a run of Han characters as one token, so 海西 would never match inside
海西州. Trigram tokenizers need three characters. Instead, the text is re-written before indexing
(:func:`index_text`):

* every CJK character starts a token: the *pair* of it and the next character when that one is CJK
  too (海西州 gives 海西 西州 州), else the character alone, so any run of two or more CJK characters
  is a phrase of overlapping pairs and a single character is a prefix query (``"的" *``);
* Latin words and numbers stay whole (``DSC``, ``2018``);
* wherever the original has punctuation or whitespace between two tokens, a boundary token
  (:data:`BOUNDARY`, a private-use character that ``unicode61`` treats as a letter) is inserted.

Pairs rather than single characters because a Chinese word is two characters or more: 民族 is one
token whose posting list FTS5 reads directly, and 民族团结 is a phrase of three pairs of which 族团 is
rare, where single characters made FTS5 intersect the long lists of 民, 族, 团 and 结 position by
position. The boundary token is what makes phrase search equal to substring search: without it,
州被 would match 州,被 because punctuation vanishes in the tokenizer. Queries go through the same
rules (:func:`match_expression`), so a query with punctuation or spaces inside a quoted phrase
matches any separator at that place.

Characters are NFKC-normalized and case-folded first (full-width ＡＢＣ１２ match ABC12).
:func:`tokenize` gives one token per CJK character with its span in the original text, which lets
snippets be cut and marked in the original; :func:`shadow_text` is that form joined by spaces, what
the index held before schema migration 20.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from typing import NamedTuple

BOUNDARY = "\ue000"

# Han ideographs (with extensions and compatibility forms), kana, Hangul syllables, and the ideographic
# iteration and zero marks: scripts where any character may start a word (Korean is written with spaces,
# but its words take particles: 민족 must find 민족의 and 민족은).
_CJK_RANGES = (
    (0x3005, 0x3007),
    (0x3040, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),  # Hangul syllables: the magazine's Korean edition, one syllable per token too
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
)


class Token(NamedTuple):
    """A token and the half-open span ``[start, end)`` of original characters it came from."""

    text: str
    start: int
    end: int


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds a Hangul syllable (tokenized one per token since schema migration 8)."""
    return any(0xAC00 <= ord(char) <= 0xD7AF for char in text)


def is_cjk(char: str) -> bool:
    if "\u4e00" <= char <= "\u9fff":  # the common case first
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _is_word_char(char: str) -> bool:
    # The classes unicode61 keeps inside tokens by default: letters, numbers, private use.
    if "\u4e00" <= char <= "\u9fef":  # assigned unified ideographs (Lo), the common case
        return True
    if char == BOUNDARY:
        return False
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


# Unified ideographs assigned since Unicode 11: letters that NFKC and case folding leave as they are,
# so a run of them needs no per-character normalization (most of a Chinese text).
_PLAIN_HAN_RUN = re.compile("[\u4e00-\u9fef]+|.", re.DOTALL)


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` in order, boundary tokens included."""
    tokens: list[Token] = []
    word: list[str] = []
    word_start = 0
    word_end = 0
    gap_start: int | None = None
    for match in _PLAIN_HAN_RUN.finditer(text):
        run, start = match.group(), match.start()
        if len(run) > 1 or "\u4e00" <= run <= "\u9fef":  # plain ideographs: a token each, no normalizing
            if word:
                tokens.append(Token("".join(word), word_start, word_end))
                word.clear()
            if gap_start is not None and tokens:
                tokens.append(Token(BOUNDARY, gap_start, start))
            gap_start = None
            tokens.extend(Token(char, start + i, start + i + 1) for i, char in enumerate(run))
            continue
        for char in unicodedata.normalize("NFKC", run).casefold():
            if _is_word_char(char) and is_cjk(char):
                if word:
                    tokens.append(Token("".join(word), word_start, word_end))
                    word.clear()
                if gap_start is not None and tokens:
                    tokens.append(Token(BOUNDARY, gap_start, start))
                gap_start = None
                tokens.append(Token(char, start, start + 1))
            elif _is_word_char(char):
                if not word:
                    if gap_start is not None and tokens:
                        tokens.append(Token(BOUNDARY, gap_start, start))
                    gap_start = None
                    word_start = start
                word.append(char)
                word_end = start + 1
            else:
                if word:
                    tokens.append(Token("".join(word), word_start, word_end))
                    word.clear()
                if gap_start is None:
                    gap_start = start
    if word:
        tokens.append(Token("".join(word), word_start, word_end))
    return tokens


def shadow_text(text: str | None) -> str:
    """The indexable form of ``text``: tokens separated by single spaces."""
    return " ".join(token.text for token in tokenize(text or ""))


# A phrase in ASCII double quotes, Chinese curly quotes “…” or corner brackets 「…」 『…』, else a
# whitespace-separated word.
_TERM = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』|(\S+)')


def _raw_terms(query: str) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in _TERM.finditer(query)]


def query_terms(query: str) -> list[list[str]]:
    """Split a user query into terms (whitespace-separated, or quoted phrases: "…", “…”, 「…」, 『…』),
    each as :func:`tokenize` tokens (one per CJK character)."""
    terms = []
    for raw in _raw_terms(query):
        tokens = [token.text for token in tokenize(raw)]
        if tokens:
            terms.append(tokens)
    return terms


# -- the indexed form -------------------------------------------------------------------------------

_CJK_CLASS = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _CJK_RANGES)
# Letters and numbers: the characters unicode61 keeps inside tokens (Python's \w without "_").
_WORD_RUN = re.compile(r"[^\W_]+")
_CJK_SPLIT = re.compile(f"([{_CJK_CLASS}]+)")
_NOT_LATIN_WORD = f"[^\\W_{_CJK_CLASS}]"  # a word character that is not CJK


# Characters whose NFKC form tokenizes as they do (ASCII, unified ideographs, CJK and general punctuation,
# full-width punctuation, Latin-1 punctuation): a text made of nothing else needs only case folding.
# NFKC costs more than everything else in indexing a Chinese article; tests/test_db_search.py checks
# this set character by character.
_NEEDS_NFKC = re.compile(
    "[^\x00-\x7f\u4e00-\u9fff\u3000-\u3037\u303b-\u303f\u2000-\u205e"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf]"
)


def _normalize(text: str) -> str:
    if _NEEDS_NFKC.search(text) is None:
        return text.casefold()
    # Only the lines that need it: a line break neither composes with nor decomposes into its
    # neighbours, so NFKC of the text is NFKC of each line, and one "②" or "Ⅱ" in an article no longer
    # costs the whole article's normalization (about 2 ms for one of the eval pages' articles).
    lines = text.split("\n")
    return "\n".join(
        line if _NEEDS_NFKC.search(line) is None else unicodedata.normalize("NFKC", line) for line in lines
    ).casefold()


def _pieces(normalized: str) -> list[tuple[bool | None, str]]:
    """Runs of CJK characters (True), of other letters and numbers (False), and BOUNDARY (None) wherever
    separators stood between two runs."""
    pieces: list[tuple[bool | None, str]] = []
    for word in _WORD_RUN.finditer(normalized):
        if pieces:
            pieces.append((None, BOUNDARY))
        # split() alternates what lies between CJK runs (index even) and the runs (odd)
        pieces.extend((bool(i % 2), part) for i, part in enumerate(_CJK_SPLIT.split(word.group())) if part)
    return pieces


_GAP = re.compile(r"[\W_]+")


def index_tokens(text: str | None) -> list[str]:
    """The tokens :func:`index_text` writes, in order: one per CJK character (its pair with the next CJK
    character, or itself at the end of a run), one per Latin word or number, BOUNDARY between runs."""
    indexed = index_text(text)
    return indexed.split(" ") if indexed else []


def index_text(text: str | None) -> str:
    """The indexable form of ``text``: :func:`index_tokens` separated by single spaces.

    Separators become boundaries in one pass, the rest splits into CJK runs and what lies between
    them (Latin words and numbers with boundaries, already single-spaced), both in C; a run becomes its
    pairs with one Python step per run, not per character, and the pieces are joined once.
    """
    parts = _CJK_SPLIT.split(_GAP.sub(f" {BOUNDARY} ", _normalize(text or "")))
    pieces: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:  # split() alternates what lies between CJK runs (even) and the runs (odd)
            pieces.append(
                f"{' '.join(map(operator.add, part, part[1:]))} {part[-1]}" if len(part) > 1 else part
            )
        elif part := part.strip():
            pieces.append(part)
    indexed = " ".join(pieces)
    # separators before the first token or after the last
    indexed = indexed.removeprefix(f"{BOUNDARY} ").removesuffix(f" {BOUNDARY}")
    return "" if indexed == BOUNDARY else indexed


def _phrase_tokens(pieces: list[tuple[bool | None, str]]) -> tuple[list[str], bool]:
    """Index tokens that a term's text occupies wherever it occurs, and whether the last is a prefix.

    A CJK run is its pairs; its last character is a token of its own only when something follows it
    inside the term (then the text must end its run there too). A term that ends in a single CJK
    character matches any token starting with it: the character alone or its pair with the next.
    """
    tokens: list[str] = []
    prefix = False
    for index, (is_cjk, run) in enumerate(pieces):
        last = index == len(pieces) - 1
        if not is_cjk:
            tokens.append(run)
            continue
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        if not last:
            tokens.append(run[-1])
        elif len(run) == 1:
            tokens.append(run)
            prefix = True
    return tokens, prefix


def term_pattern(tokens: list[str]) -> re.Pattern[str]:
    """A regular expression that finds a term (its :func:`tokenize` tokens, as :func:`query_terms` gives
    them) in :func:`normalized` text wherever the index finds it: CJK characters as they are, a Latin
    word or number only whole, a separator (BOUNDARY) as any run of non-word characters. For counting
    and locating occurrences without the index."""
    parts = []
    for token in tokens:
        if token == BOUNDARY:
            parts.append(r"[\W_]+")
        elif len(token) == 1 and is_cjk(token):
            parts.append(re.escape(token))
        else:
            # The word first (a literal lets the regex engine skip ahead), then the character before it.
            word = re.escape(token)
            parts.append(f"{word}(?<!{_NOT_LATIN_WORD}{word})(?!{_NOT_LATIN_WORD})")
    return re.compile("".join(parts))


# Characters that NFKC rewrites into letters, digits or ideographs: full-width letters and digits (not
# the full-width punctuation every Chinese text has), half-width kana and Hangul,
# compatibility and radical forms of ideographs, enclosed and squared CJK, circled and parenthesized
# numbers, letter-like and number forms, super- and subscripts, Latin ligatures. A text without any of
# them reads the same to a term as its normalized form does (case aside).
_REWRITTEN_BY_NFKC = re.compile(
    "[\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2100-\u218f\u2460-\u24ff\u2e80-\u2fdf"
    "\u3200-\u33ff\uf900-\ufaff\ufb00-\ufb4f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffdc"
    "\U0001f100-\U0001f1ff\U0002f800-\U0002fa1f]"
)


def has_compatibility_forms(text: str) -> bool:
    """Whether normalizing ``text`` could turn some of it into other letters, digits or ideographs."""
    return _REWRITTEN_BY_NFKC.search(text) is not None


def normalized(text: str | None) -> str:
    """``text`` NFKC-normalized and case-folded, as :func:`index_text` reads it."""
    return _normalize(text or "")


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: every term as a quoted phrase of index tokens, all terms required.

    Tokens contain only letters, numbers and :data:`BOUNDARY`, so quoting needs no escaping. Returns
    an empty string when the query has no searchable characters (see :func:`sql_match_expression`).
    """
    return " AND ".join(term_phrases(query))


def term_phrases(query: str) -> list[str]:
    """Each term of ``query`` as an FTS5 phrase over :func:`index_text` tokens."""
    phrases = []
    for raw in _raw_terms(query):
        tokens, prefix = _phrase_tokens(_pieces(_normalize(raw)))
        if tokens:
            phrases.append('"' + " ".join(tokens) + '"' + (" *" if prefix else ""))
    return phrases


NO_MATCH = '""'
"""A valid MATCH expression that matches nothing: what ``cjk_query`` gives for an empty query."""


def sql_match_expression(query: str | None) -> str:
    """:func:`match_expression` for SQL (``cjk_query``): never empty, since ``MATCH ''`` is an error."""
    return match_expression(query or "") or NO_MATCH


def find_phrase(tokens: list[Token], phrase: list[str]) -> list[tuple[int, int]]:
    """Spans in the original text where ``phrase`` occurs as consecutive tokens."""
    spans: list[tuple[int, int]] = []
    size = len(phrase)
    if not size:
        return spans
    texts = [token.text for token in tokens]
    for i in range(len(texts) - size + 1):
        if texts[i] == phrase[0] and texts[i : i + size] == phrase:
            spans.append((tokens[i].start, tokens[i + size - 1].end))
    return spans
