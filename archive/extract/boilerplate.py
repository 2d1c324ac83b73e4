"""Blocks that repeat from page to page and are not the article: found, kept apart, never in the text.

Each kind is recognised by what a reader recognises it by (its opening words), not by a class name,
so the rules hold whether the block sits inside the article container or next to it, and whether its
lines are ``<p>`` paragraphs or ``<br>`` lines. A block stops where another kind of block begins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from .lines import ImageItem, Item, TextLine
from .result import BoilerplateBlock

SUBSCRIPTION_START = re.compile(r"^(欢迎订阅|敬请订阅|订阅《|本刊(征订|订阅)|.{0,12}(征订|订阅)启事)")
RELATED_START = re.compile(
    r"^[【\[]?\s*(相关(文章|阅读|新闻|链接|报道|稿件|推荐)|延伸阅读|推荐阅读|热点推荐|猜你喜欢|更多精彩|热门文章|"
    r"Related (articles|stories|posts))"
)
COPYRIGHT_LINE = re.compile(
    r"版权所有|版权声明|Copyright|©|\(c\)\s*\d{4}|ICP[备证]|公网安备|未经.{0,12}(授权|许可|同意).{0,12}(转载|使用|复制)|"
    r"All rights reserved",
    re.IGNORECASE,
)
SHARE_LINE = re.compile(
    r"^(分享到|分享至|分享:|分享：|【?打印(本页|此文)?】?|【?关闭(窗口)?】?|扫一扫|Share (this|on))"
)
_MAX_COPYRIGHT_LINE = 200
_MAX_BLOCK_LINES = 60


@dataclass
class FoundBlock:
    """A boilerplate block and the positions of its items in the page's item list."""

    block: BoilerplateBlock
    indices: list[int]


def _starts_other_block(line: TextLine) -> bool:
    return bool(RELATED_START.match(line.text) or SHARE_LINE.match(line.text))


def _descendants(element: etree._Element) -> set[etree._Element]:
    return set(element.iter())


def _scope_of(marker: etree._Element, container: etree._Element | None, item_count: int) -> etree._Element:
    """The element a block lives in: climb from its first line while that stays clear of the article."""
    scope = marker
    while container is not None:
        parent = scope.getparent()
        if parent is None or scope is container or container in _descendants(parent):
            break
        scope = parent
    if item_count <= 1 and scope.getparent() is not None:
        scope = scope.getparent()
    return scope


def _paragraphs(items: Sequence[Item]) -> tuple[str, ...]:
    """Lines of a block; an image stands for its alt text (a banner whose words are part of the block)."""
    out = []
    for item in items:
        text = item.text if isinstance(item, TextLine) else item.alt
        if text:
            out.append(text)
    return tuple(out)


def _collect(
    items: Sequence[Item], start: int, scope: set[etree._Element], stop_on_other: bool = True
) -> list[int]:
    indices = [start]
    for index in range(start + 1, min(len(items), start + _MAX_BLOCK_LINES)):
        item = items[index]
        if item.element not in scope:
            break
        if stop_on_other and isinstance(item, TextLine) and _starts_other_block(item):
            break
        indices.append(index)
    return indices


def find_subscription(items: Sequence[Item], container: etree._Element | None) -> FoundBlock | None:
    """The subscription appeal ("欢迎订阅…") and everything after it in its block."""
    for index, item in enumerate(items):
        if isinstance(item, TextLine) and len(item.text) <= 40 and SUBSCRIPTION_START.match(item.text):
            own_lines = sum(1 for it in items if it.element is item.element)
            scope_element = _scope_of(item.element, container, own_lines)
            indices = _collect(items, index, _descendants(scope_element))
            return FoundBlock(
                BoilerplateBlock("subscription", _paragraphs([items[i] for i in indices])), indices
            )
    return None


def find_related(items: Sequence[Item], container: etree._Element | None) -> FoundBlock | None:
    """A "相关文章" heading followed by linked titles."""
    for index, item in enumerate(items):
        if isinstance(item, TextLine) and len(item.text) <= 30 and RELATED_START.match(item.text):
            scope_element = _scope_of(item.element, container, 1)
            indices = _collect(items, index, _descendants(scope_element), stop_on_other=False)
            linked = [items[i] for i in indices[1:] if isinstance(items[i], TextLine)]
            if not linked or sum(1 for line in linked if line.link_share > 0.3) < len(linked) / 2:
                continue
            return FoundBlock(BoilerplateBlock("related", _paragraphs(linked)), indices)
    return None


def find_copyright(items: Sequence[Item], container: etree._Element | None) -> FoundBlock | None:
    """The copyright notice and the lines that share its footer (address, licence numbers)."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if (
            isinstance(item, TextLine)
            and len(item.text) <= _MAX_COPYRIGHT_LINE
            and COPYRIGHT_LINE.search(item.text)
        ):
            scope_element = _scope_of(item.element, container, _MAX_BLOCK_LINES)
            scope = _descendants(scope_element)
            first = index
            while first > 0 and items[first - 1].element in scope and index - first < 8:
                first -= 1
            indices = [
                i
                for i in _collect(items, first, scope, stop_on_other=False)
                if isinstance(items[i], TextLine)
            ]
            if len(indices) > 10:
                indices = [index]
            return FoundBlock(
                BoilerplateBlock("copyright", _paragraphs([items[i] for i in indices])), indices
            )
    return None


def find_share_lines(items: Sequence[Item]) -> FoundBlock | None:
    """Share bars and print/close buttons, wherever they are."""
    indices = [
        i
        for i, item in enumerate(items)
        if isinstance(item, TextLine) and len(item.text) <= 60 and SHARE_LINE.match(item.text)
    ]
    if not indices:
        return None
    return FoundBlock(BoilerplateBlock("share", _paragraphs([items[i] for i in indices])), indices)


def find_blocks(items: Sequence[Item], container: etree._Element | None) -> list[FoundBlock]:
    """Every boilerplate block on the page, in a fixed order, without overlaps."""
    found: list[FoundBlock] = []
    taken: set[int] = set()
    for finder in (find_subscription, find_related, find_copyright):
        block = finder(items, container)
        if block is not None and not taken.intersection(block.indices):
            found.append(block)
            taken.update(block.indices)
    share = find_share_lines(items)
    if share is not None:
        free = [i for i in share.indices if i not in taken]
        if free:
            found.append(FoundBlock(BoilerplateBlock("share", _paragraphs([items[i] for i in free])), free))
    return found


__all__ = ["FoundBlock", "ImageItem", "find_blocks"]
