"""Turn Chinese text into tokens that SQLite's stock FTS5 ``unicode61`` tokenizer can index.

``unicode61`` keeps a run of Han characters as one token, so 海西 would never match inside
海西州. Trigram tokenizers need three characters. Instead, the text is re-written before indexing:

* every CJK character becomes its own token, so any run of CJK characters is a phrase of tokens;
* Latin words and numbers stay whole (``DSC``, ``2018``);
* wherever the original has punctuation or whitespace between two tokens, a boundary token
  (:data:`BOUNDARY`, a private-use character that ``unicode61`` treats as a letter) is inserted.

The boundary token is what makes phrase search equal to substring search: without it, 州被 would
match 州,被 because punctuation vanishes in the tokenizer. Queries go through the same function, so
a query with punctuation or spaces inside a quoted phrase matches any separator at that place.

Characters are NFKC-normalized and case-folded first (full-width ＡＢＣ１２ match ABC12), and every
token remembers its span in the original text, which lets snippets be cut from the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Token:
    """A token and the half-open span ``[start, end)`` of original characters it came from."""

    text: str
    start: int
    end: int


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds a Hangul syllable (tokenized one per token since schema migration 8)."""
    return any(0xAC00 <= ord(char) <= 0xD7AF for char in text)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _is_word_char(char: str) -> bool:
    # The classes unicode61 keeps inside tokens by default: letters, numbers, private use.
    if char == BOUNDARY:
        return False
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def _normalized_chars(text: str) -> list[tuple[str, int]]:
    """Each normalized character with the index of the original character it came from."""
    out: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).casefold():
            out.append((piece, index))
    return out


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` in order, boundary tokens included."""
    tokens: list[Token] = []
    word: list[str] = []
    word_start = 0
    word_end = 0
    gap_start: int | None = None

    def close_word() -> None:
        if word:
            tokens.append(Token("".join(word), word_start, word_end))
            word.clear()

    def open_token(start: int) -> None:
        nonlocal gap_start
        if gap_start is not None and tokens:
            tokens.append(Token(BOUNDARY, gap_start, start))
        gap_start = None

    for char, index in _normalized_chars(text):
        if _is_word_char(char) and is_cjk(char):
            close_word()
            open_token(index)
            tokens.append(Token(char, index, index + 1))
        elif _is_word_char(char):
            if not word:
                open_token(index)
                word_start = index
            word.append(char)
            word_end = index + 1
        else:
            close_word()
            if gap_start is None:
                gap_start = index
    close_word()
    return tokens


def shadow_text(text: str | None) -> str:
    """The indexable form of ``text``: tokens separated by single spaces."""
    return " ".join(token.text for token in tokenize(text or ""))


# A phrase in ASCII double quotes, Chinese curly quotes “…” or corner brackets 「…」 『…』, else a
# whitespace-separated word.
_TERM = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』|(\S+)')


def query_terms(query: str) -> list[list[str]]:
    """Split a user query into terms (whitespace-separated, or quoted phrases: "…", “…”, 「…」, 『…』),
    each as tokens."""
    terms = []
    for match in _TERM.finditer(query):
        raw = next(group for group in match.groups() if group is not None)
        tokens = [token.text for token in tokenize(raw)]
        if tokens:
            terms.append(tokens)
    return terms


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: every term as a quoted phrase, all terms required.

    Tokens contain only letters, numbers and :data:`BOUNDARY`, so quoting needs no escaping. Returns
    an empty string when the query has no searchable characters (see :func:`sql_match_expression`).
    """
    return " AND ".join('"' + " ".join(tokens) + '"' for tokens in query_terms(query))


NO_MATCH = '""'
"""A valid MATCH expression that matches nothing: what ``cjk_query`` gives for an empty query."""


def sql_match_expression(query: str | None) -> str:
    """:func:`match_expression` for SQL (``cjk_query``): never empty, since ``MATCH ''`` is an error."""
    return match_expression(query or "") or NO_MATCH


def find_phrase(tokens: list[Token], phrase: list[str]) -> list[tuple[int, int]]:
    """Spans in the original text where ``phrase`` occurs as consecutive tokens."""
    spans = []
    size = len(phrase)
    if not size:
        return spans
    for i in range(len(tokens) - size + 1):
        if all(tokens[i + k].text == phrase[k] for k in range(size)):
            spans.append((tokens[i].start, tokens[i + size - 1].end))
    return spans
