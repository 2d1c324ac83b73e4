"""Breadcrumbs: the "您现在所在位置:首页 > 栏目" line that Chinese sites put above an article."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from .lines import Item, TextLine

BREADCRUMB_LABEL = re.compile(
    r"^\s*(您?现?在?的?(所在)?(当前)?位置|当前位置|所在位置|您的位置|位置)\s*[:：]\s*"
)
_SEPARATORS = re.compile(r"\s*(?:>>|>|›|»|→|/|\\|-&gt;|＞|》)\s*")
_BREADCRUMB_CLASS = re.compile(r"breadcrumb|crumb|position|location|weizhi|dqwz|path", re.I)


@dataclass(frozen=True)
class Breadcrumb:
    parts: list[str]
    rule: str
    element: etree._Element | None


def _split(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part and part.strip()]


def find_breadcrumb(items: Sequence[Item]) -> Breadcrumb | None:
    """First labelled location line, else the first block whose class says it is a breadcrumb."""
    for item in items:
        if isinstance(item, TextLine) and len(item.text) < 120:
            match = BREADCRUMB_LABEL.match(item.text)
            if match and (parts := _split(item.text[match.end() :])):
                return Breadcrumb(parts, "breadcrumb:label", item.element)
    for item in items:
        if not isinstance(item, TextLine) or len(item.text) > 120 or item.link_share < 0.3:
            continue
        element: etree._Element | None = item.element
        for _ in range(2):
            if element is None:
                break
            hints = f"{element.get('class', '')} {element.get('id', '')}"
            if _BREADCRUMB_CLASS.search(hints) and len(parts := _split(item.text)) >= 2:
                return Breadcrumb(parts, "breadcrumb:class", item.element)
            element = element.getparent()
    return None


def section_from(breadcrumb: Breadcrumb | None, title: str | None) -> str | None:
    """The channel is the last crumb that is neither the home page nor the article itself."""
    if breadcrumb is None:
        return None
    for part in reversed(breadcrumb.parts):
        if part in {"首页", "主页", "网站首页", "Home", "home"} or part == title or "正文" in part:
            continue
        return part
    return None
