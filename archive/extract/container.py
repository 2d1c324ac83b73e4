"""Find the element that holds an article's body, without knowing the template.

A readability-style vote: every line of prose votes for the block that holds it, half a vote for the
block above, a third for the one above that. Prose is recognised by its length and its punctuation
(Chinese sentences end in 。！？), link-heavy lines (menus, lists of titles) do not vote.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from .lines import Item, TextLine, read_lines, tag_name, text_lines

_SENTENCE_PUNCTUATION = re.compile(r"[，。！？；：、,.!?;]")
# Tags that wrap a single paragraph: the vote goes to the block around them.
_PARAGRAPH_TAGS = frozenset("p h2 h3 h4 h5 h6 li span font pre blockquote dd dt strong b em section".split())
_NEVER_CONTAINERS = frozenset("html head a ul ol li nav header footer aside form p".split())
_BOILERPLATE_HINT = re.compile(r"comment|footer|foot|nav|menu|sidebar|related|share|copyright|banner", re.I)
_CONTENT_HINT = re.compile(r"article|content|main|text|body|story|post|detail|zw|neirong|TRS_Editor", re.I)


def line_weight(line: TextLine) -> float:
    """How much a line looks like prose; zero for short or mostly-linked lines."""
    if line.link_share > 0.5 or len(line.text) < 10:
        return 0.0
    return 1.0 + len(_SENTENCE_PUNCTUATION.findall(line.text)) + min(len(line.text), 300) / 100


def _vote_base(element: etree._Element) -> etree._Element:
    base = element
    while tag_name(base) in _PARAGRAPH_TAGS and base.getparent() is not None:
        base = base.getparent()
    return base


def _class_bias(element: etree._Element) -> float:
    hints = f"{element.get('class', '')} {element.get('id', '')}"
    bias = 1.0
    if _CONTENT_HINT.search(hints):
        bias *= 1.25
    if _BOILERPLATE_HINT.search(hints):
        bias *= 0.5
    return bias


def find_container(root: etree._Element, items: list[Item] | None = None) -> etree._Element | None:
    """The block element with the most prose under it, or None when the page has no prose.

    ``items`` are the page's lines when the caller has read them already (reading twice costs time).
    """
    scores: dict[etree._Element, float] = defaultdict(float)
    for line in text_lines(items if items is not None else read_lines(root)):
        weight = line_weight(line)
        if not weight:
            continue
        element: etree._Element | None = _vote_base(line.element)
        for share in (1.0, 0.5, 1 / 3):
            if element is None:
                break
            scores[element] += weight * share
            element = element.getparent()
    candidates = [
        (score * _class_bias(el), el) for el, score in scores.items() if tag_name(el) not in _NEVER_CONTAINERS
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda pair: pair[0])[1]
