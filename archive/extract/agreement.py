"""Second opinion on the body: where our container vote and trafilatura disagree, decide who is right.

The container vote keeps the page's own lines (headings, no-break spaces, images) and is strong on
Chinese pages built from tables and ``<br>`` lines; trafilatura is better at trimming extra blocks
inside a well-marked article. Two patterns settle most disagreements:

* trafilatura's text is a clean subset of ours: we kept extra blocks, so keep only our lines that
  trafilatura also kept (our formatting, its selection);
* ours is a small subset of trafilatura's: our vote fell on one fragment of a split article, so take
  trafilatura's lines.

Otherwise (the two picked different regions) the container vote stands on Chinese text: on Chinese
portals trafilatura more often falls on a comment or link block than the vote does. On Latin-script
text it is the other way round (trafilatura's heuristics were built on such pages; the English
benchmark loses about a point of F1 when the vote stands there), so trafilatura's choice is taken.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+")
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SUBSET = 0.95  # share of one text's tokens found in the other for it to count as a subset
_FRAGMENT = 0.3  # ours below this share of trafilatura's length is a fragment
_TRIM = 0.9  # trafilatura below this share of our length means we kept something it did not


@dataclass(frozen=True)
class BodyChoice:
    lines: list[str]
    rule: str


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def _covered(part: Counter[str], whole: Counter[str]) -> float:
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 0.0


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


def reconcile(ours: list[str], theirs: str | None) -> BodyChoice:
    """The body lines to keep, and the rule that decided."""
    their_lines = [line.strip() for line in (theirs or "").splitlines() if line.strip()]
    if not their_lines:
        return BodyChoice(ours, "vote")
    if not ours:
        return BodyChoice(their_lines, "trafilatura")
    mine, their = tokens("\n".join(ours)), tokens("\n".join(their_lines))
    my_size, their_size = sum(mine.values()), sum(their.values())
    if my_size < _FRAGMENT * their_size and _covered(mine, their) >= _SUBSET:
        return BodyChoice(their_lines, "trafilatura:vote-was-fragment")
    if their_size < _TRIM * my_size and _covered(their, mine) >= _SUBSET:
        their_compact = _compact("".join(their_lines))
        kept = [line for line in ours if _compact(line) in their_compact]
        if sum(tokens("\n".join(kept)).values()) >= 0.8 * their_size:
            return BodyChoice(kept, "vote∩trafilatura")
        return BodyChoice(their_lines, "trafilatura:subset")
    if not _mostly_cjk(ours):
        return BodyChoice(their_lines, "trafilatura:latin-script")
    return BodyChoice(ours, "vote")


def _mostly_cjk(lines: list[str]) -> bool:
    text = "".join(lines)
    return len(_CJK.findall(text)) > 0.3 * max(1, len(_SPACE.sub("", text)))
