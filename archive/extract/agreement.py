"""Second opinion on the body: where our container vote and trafilatura disagree, decide who is right.

The container vote keeps the page's own lines (headings, no-break spaces, images) and is strong on
Chinese pages built from tables and ``<br>`` lines; trafilatura is better at trimming extra blocks
inside a well-marked article. Two patterns settle most disagreements:

* trafilatura's text is a clean subset of ours: we kept extra blocks, so keep only our lines that
  trafilatura also kept (our formatting, its selection);
* ours is a small subset of trafilatura's: our vote fell on one fragment of a split article, so take
  trafilatura's lines, unless what it adds is mostly feed (menus, link lists, story teasers): then
  trafilatura kept a whole page column and ours is the article.

Otherwise (the two picked different regions) the container vote stands on Chinese text: on Chinese
portals trafilatura more often falls on a comment or link block than the vote does. On Latin-script
text it is the other way round (trafilatura's heuristics were built on such pages; the English
benchmark loses about a point of F1 when the vote stands there), so trafilatura's choice is taken.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

# A token is a CJK character or a run of other letters and digits.
_WORD = re.compile(r"[^\W\u3400-\u9fff\uf900-\ufaff]+")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_SUBSET = 0.95  # share of one text's tokens found in the other for it to count as a subset
_FRAGMENT = 0.3  # ours below this share of trafilatura's length is a fragment
_TRIM = 0.9  # trafilatura below this share of our length means we kept something it did not
_APART = 0.5  # below this share of each other's tokens, two bodies read different text
_FEED = 0.5  # share of trafilatura's added text found in feed lines of the page for ours to stand


@dataclass(frozen=True)
class BodyChoice:
    lines: list[str]
    rule: str


@dataclass(frozen=True)
class OutsideLine:
    """A page line outside our container; ``feed`` when it is a link or part of a story teaser."""

    text: str
    feed: bool


@functools.lru_cache(maxsize=4)
def tokens(text: str) -> Counter[str]:
    """CJK characters and runs of other letters and digits, counted. The characters are counted all at
    once (in C) and the CJK ones kept: a regular expression's match per character costs four times more.

    Cached (read-only result): read_apart and reconcile count the same two bodies of a page."""
    lowered = text.lower()
    counts = Counter(
        {
            char: count
            for char, count in Counter(lowered).items()
            if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
        }
    )
    counts.update(_WORD.findall(lowered))
    return counts


def _covered(part: Counter[str], whole: Counter[str]) -> float:
    """Share of ``part``'s tokens that ``whole`` holds too (each token at most as often as there).
    Summed with map over the two counts, in C: ``part & whole`` builds a Counter in a Python loop."""
    total = sum(part.values())
    if not total:
        return 0.0
    shared = sum(map(min, part.values(), map(whole.get, part.keys(), repeat(0))))
    return shared / total


def _compact(text: str) -> str:
    return "".join(text.split())  # what \s matches, dropped in C without the regex engine


# Characters a substring test may scan in one comparison of two texts: plenty for any real article,
# a bound on a page of tens of thousands of lines (where only whole-line matches are then counted).
_SUBSTRING_BUDGET = 50_000_000


class _Containment:
    """Whether a line is part of a text: a whole line of it, else (within the budget) a substring."""

    def __init__(self, whole_lines: Sequence[str]) -> None:
        self.lines = {_compact(line) for line in whole_lines}
        self.text = "".join(_compact(line) for line in whole_lines)
        self.budget = _SUBSTRING_BUDGET

    def __contains__(self, compact_line: str) -> bool:
        if compact_line in self.lines:
            return True
        if self.budget < len(self.text):
            return False
        self.budget -= len(self.text)
        return compact_line in self.text


def feed_share(added: str, outside: Iterable[OutsideLine]) -> float:
    """Share of the text trafilatura added (as far as the page's lines explain it) that is feed."""
    added_compact = _Containment(added.splitlines())
    feed = other = 0
    for line in outside:
        text = _compact(line.text)
        if len(text) >= 2 and text in added_compact:
            if line.feed:
                feed += len(text)
            else:
                other += len(text)
    return feed / (feed + other) if feed + other else 0.0


def reconcile(ours: list[str], theirs: str | None, outside: Iterable[OutsideLine] = ()) -> BodyChoice:
    """The body lines to keep, and the rule that decided.

    ``outside`` are the page's lines outside our container: they tell what trafilatura added. Read
    at most once, and only when ours looks like a fragment of trafilatura's.
    """
    their_lines = _lines(theirs)
    if not their_lines:
        return BodyChoice(ours, "vote")
    if not ours:
        return BodyChoice(their_lines, "trafilatura")
    mine, their = tokens("\n".join(ours)), tokens("\n".join(their_lines))
    my_size, their_size = sum(mine.values()), sum(their.values())
    if my_size < _FRAGMENT * their_size and _covered(mine, their) >= _SUBSET:
        mine_compact = _Containment(ours)
        added = "\n".join(line for line in their_lines if _compact(line) not in mine_compact)
        if feed_share(added, outside) >= _FEED:
            return BodyChoice(ours, "vote:rest-is-feed")
        return BodyChoice(their_lines, "trafilatura:vote-was-fragment")
    if their_size < _TRIM * my_size and _covered(their, mine) >= _SUBSET:
        their_compact = _Containment(their_lines)
        kept = [line for line in ours if _compact(line) in their_compact]
        if sum(tokens("\n".join(kept)).values()) >= 0.8 * their_size:
            return BodyChoice(kept, "vote∩trafilatura")
        return BodyChoice(their_lines, "trafilatura:subset")
    if not _mostly_cjk(ours):
        return BodyChoice(their_lines, "trafilatura:latin-script")
    return BodyChoice(ours, "vote")


def read_apart(ours: list[str], theirs: str | None) -> bool:
    """Whether two bodies read mostly different text: each holds under half of the other's words (or
    one is empty). Then neither opinion confirms the other, and a third one is worth its cost."""
    mine, their = tokens("\n".join(ours)), tokens("\n".join(_lines(theirs)))
    if not mine or not their:
        return True
    return _covered(mine, their) < _APART and _covered(their, mine) < _APART


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _mostly_cjk(lines: list[str]) -> bool:
    text = "".join(lines)
    return len(_NOT_CJK.sub("", text)) > 0.3 * max(1, len(_compact(text)))
