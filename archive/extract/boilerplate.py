"""Blocks that repeat from page to page and are not the article: found, kept apart, never in the text.

Each kind is recognised by what a reader recognises it by (its opening words), not by a class name,
so the rules hold whether the block sits inside the article container or next to it, and whether its
lines are ``<p>`` paragraphs or ``<br>`` lines. A block stops where another kind of block begins.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from .classify import is_list_item, is_prose
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
_MAX_MARKER_TRIES = 20
_MAX_TITLE = 60  # a linked title longer than this is a paragraph with a link in it


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
    holders = {container, *container.iterancestors()} if container is not None else set()
    while container is not None:
        parent = scope.getparent()
        if parent is None or scope is container or parent in holders:
            break  # the parent holds the article: the block stops below it
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


def _is_text(item: Item) -> bool:
    return isinstance(item, TextLine) and is_prose(item)


def _linked_run(items: Sequence[Item], start: int) -> list[int]:
    """The related heading and two or more linked titles under it, up to the first line that is not one.

    For headings that carry the first title themselves ("延伸阅读：某某标题") and sit in the article's
    own block, where the block cannot be taken whole.
    """
    indices = [start]
    for index in range(start + 1, min(len(items), start + _MAX_BLOCK_LINES)):
        item = items[index]
        if not isinstance(item, TextLine) or not is_list_item(item) or len(item.text) > _MAX_TITLE:
            break
        indices.append(index)
    # A lone linked line ("相关报道：某某" as the last paragraph) may be the article's own pointer.
    return indices if len(indices) > 2 else []


def find_related(items: Sequence[Item], container: etree._Element | None) -> FoundBlock | None:
    """A "相关文章" heading followed by linked titles (the first few headings are tried: each try
    walks the block around it, and a page of thousands of such lines is not an article page)."""
    tries = 0
    for index, item in enumerate(items):
        if (
            not isinstance(item, TextLine)
            or len(item.text) > _MAX_TITLE
            or not RELATED_START.match(item.text)
        ):
            continue
        tries += 1
        if tries > _MAX_MARKER_TRIES:
            return None
        scope_element = _scope_of(item.element, container, 1)
        inside = container is not None and (
            scope_element is container or scope_element in set(container.iterancestors())
        )
        if len(item.text) <= 30:
            indices = _collect(items, index, _descendants(scope_element), stop_on_other=False)
            if inside:
                # In the article's own block the list ends at the first line of prose: text goes on.
                indices = indices[: next((n for n, i in enumerate(indices) if _is_text(items[i])), None)]
            linked = [items[i] for i in indices[1:] if isinstance(items[i], TextLine)]
            if linked and sum(1 for line in linked if line.link_share > 0.3) >= len(linked) / 2:
                return FoundBlock(BoilerplateBlock("related", _paragraphs(linked)), indices)
        if inside and (indices := _linked_run(items, index)):
            titles = [items[i] for i in indices if i != index or is_list_item(item)]
            return FoundBlock(BoilerplateBlock("related", _paragraphs(titles)), indices)
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


# -- single lines, by their text alone -------------------------------------------------------------
# These rules also run on trafilatura's lines (which come without elements), so each one is decided by
# the words of one line and, for the notices, by where the line sits (the last lines of the body).

# "[1] [2] [3]", "第1页/共3页 << 上一页 | 下一页 >>", "|<<1234下一页>>|": the pager of a split article.
_PAGER_WORD = re.compile(r"上一页|下一页|前一页|后一页|第\s*\d+\s*页|共\s*\d+\s*页")
_PAGER_REST = re.compile(
    r"上一页|下一页|前一页|后一页|首页|尾页|末页|第\s*\d+\s*页|共\s*\d+\s*页|\d+|"
    r"[\s\[\]【】<>«»‹›|｜/.…·,，:：()（）]"
)
# Buttons and calls to act that sit on their own line: comment, send, bookmark, follow, enlarge.
ACTION_LINE = re.compile(
    r"^[【\[]?\s*(发表评论|我要评论|查看评论|网友评论|发送给朋友|推荐给朋友|收藏(本文|此文|本页)?|查看我的收藏|"
    r"加入收藏|关注|取消关注|点击(看|查看)大图|点击(阅读|查看)更多.{0,20}|分享让更多人看到|展开(全文)?|收起(全文)?|"
    r"(关注|搜索)(微信)?公众号[:：].{1,20}|进入【.{1,20}】(讨论|交流)|返回(顶部|首页|列表)|回到顶部)"
    r"\s*[】\]]?$"
)
# The controls of an embedded video player, read out as text: time codes, speeds, picture qualities and
# the switches every web player has (autoplay, loop, skip intro, loading). Each of these alone is a
# control; any other short line held between two of them is part of the same control bar (a status or
# an error message of the player), whatever its words.
PLAYER_LINE = re.compile(
    r"^(\d{1,2}:\d{2}(:\d{2})?(\s*/\s*\d{1,2}:\d{2}(:\d{2})?)?|[0-3](\.\d{1,2})?\s*[xX×]|倍速|"
    r"播放速度[:：]?.{0,6}|(高清|超清|标清|流畅|蓝光|高清|超清|標清|流暢|藍光)(\s*\d{3,4}[pP])?|"
    r"自动播放.{0,8}|自動播放.{0,8}|循环播放|循環播放|跳过片头|跳過片頭|.{0,6}跳过广告|.{0,6}跳過廣告|"
    r"正在加载中?[.。…]*|正在載入中?[.。…]*|加载中[.。…]*|載入中[.。…]*|(GIF\s*)?重新加载(\s*加载中)?)$"
)
_MIN_PLAYER_BAR = 3  # controls in a row that make a control bar
_PLAYER_SPAN = 3  # lines before and after a control within which a short line belongs to the bar
_MAX_PLAYER_LINE = 24  # a status line; a video's own title (often longer, or a question) stays
_SENTENCE_MARK = re.compile(r"[。？！?!]")
# An ad slot: "广告" alone, or a run of lines that each open with the "广告" tag (see _ad_runs).
_AD_TAG = re.compile(r"^广告\s*\S")
_MAX_AD_LINE = 60
_CLOSE_MARKS = frozenset({"×", "✕", "╳"})
# Notices under the article: reprint terms, "更多……请关注" promotions, the editor's and source labels.
REPRINT_NOTICE = re.compile(
    r"转载.{0,12}(注明|授权|许可|联系)|(请勿|禁止|不得|谢绝|严禁).{0,8}转载|未经.{0,16}(授权|许可|同意)|"
    r"原文(链接|地址)[:：]"
)
PROMO_LINE = re.compile(r"^(更多|欲了解更多|想了解更多).{0,40}(请关注|敬请关注|请访问|请登录|尽在)")
EDITORIAL_LINE = re.compile(
    r"^[(（【\[]?\s*(责任编辑|责编|编辑|审核|审校|校对|监制|文章来源|稿件来源|新闻来源|信息来源|来源|"
    r"关键字|关键词|本文标签|标签)\s*[:：]\s*[^。！？!?]{0,30}?[)）】\]]?$"
)
_MAX_LINE = 80
_TAIL = 6  # lines at the end of the body where notices are looked for


def is_pagination(text: str) -> bool:
    """Nothing on the line but page numbers and pager words, and at least one sign it is a pager."""
    if len(text) > _MAX_LINE or _PAGER_REST.sub("", text):
        return False
    return bool(_PAGER_WORD.search(text)) or len(re.findall(r"\[\d+\]", text)) >= 2


def line_kind(text: str, from_end: int) -> str | None:
    """The boilerplate kind of one body line, or None; ``from_end`` is 0 for the last line."""
    if len(text) > _MAX_LINE:
        return None
    if is_pagination(text):
        return "pagination"
    if ACTION_LINE.match(text) or SHARE_LINE.match(text):
        return "share"
    if PLAYER_LINE.match(text) or text == "广告" or text in _CLOSE_MARKS:
        return "player"
    if from_end < _TAIL and (REPRINT_NOTICE.search(text) or PROMO_LINE.match(text)):
        return "notice"
    if from_end < _TAIL and EDITORIAL_LINE.match(text):
        return "editorial"
    return None


def _ad_runs(lines: Sequence[str]) -> set[int]:
    """Lines that open with the "广告" tag in a run of two or more, or with a close button under them."""
    tagged = [len(text) <= _MAX_AD_LINE and bool(_AD_TAG.match(text)) for text in lines]
    found: set[int] = set()
    for index, flag in enumerate(tagged):
        neighbours = (index > 0 and tagged[index - 1]) or (index + 1 < len(tagged) and tagged[index + 1])
        closable = index + 1 < len(lines) and lines[index + 1] in _CLOSE_MARKS  # the ad's own close button
        if flag and (neighbours or closable):
            found.add(index)
    return found


def _player_bar(lines: Sequence[str]) -> set[int]:
    """Short lines held between two player controls (a few lines apart), and after a bar of at least
    three controls the short lines right under it: the rest of the control bar (its status and error
    messages)."""
    controls = [index for index, text in enumerate(lines) if PLAYER_LINE.match(text) or text == "广告"]

    def short(index: int) -> bool:
        return len(lines[index]) <= _MAX_PLAYER_LINE and not _SENTENCE_MARK.search(lines[index])

    found: set[int] = set()
    run = 1
    for before, after in itertools.pairwise([*controls, len(lines) + _PLAYER_SPAN + 1]):
        if after - before <= _PLAYER_SPAN + 1:
            found.update(index for index in range(before + 1, after) if short(index))
            run += 1
            continue
        if run >= _MIN_PLAYER_BAR:
            for index in range(before + 1, min(len(lines), before + 1 + _PLAYER_SPAN)):
                if not short(index):
                    break
                found.add(index)
        run = 1
    return found


def drop_boilerplate_lines(lines: Sequence[str]) -> tuple[list[str], list[BoilerplateBlock]]:
    """Body lines without pagers, buttons, player controls, ads and closing notices.

    Runs last, on whichever lines won (ours or trafilatura's), so the same rules hold for both.
    """
    ads = _ad_runs(lines)
    bar = _player_bar(lines)
    kept: list[str] = []
    dropped: dict[str, list[str]] = {}
    for index, text in enumerate(lines):
        kind = "ad" if index in ads else "player" if index in bar else line_kind(text, len(lines) - 1 - index)
        if kind is None:
            kept.append(text)
        else:
            dropped.setdefault(kind, []).append(text)
    return kept, [BoilerplateBlock(kind, tuple(texts)) for kind, texts in dropped.items()]


__all__ = ["FoundBlock", "ImageItem", "drop_boilerplate_lines", "find_blocks", "line_kind"]
