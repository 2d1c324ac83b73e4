"""Article images with the caption a reader sees: the line under the picture, else its alt text.

The caption is the line next to the image, whatever the template: under it in the same block (after a
``<br>``: ``<p><img><br>说明</p>``, ``<td><img><br>说明</td>``), or the block right after an image that
stands alone in its own block (``<p align=center><img></p><p align=center>说明</p>``, a table row
under the row of the picture, ``<figure><img><figcaption>``). Such a line is taken when it reads as a
caption: a photo credit ("张三/摄"), the image's own alt text, a ``<figcaption>``, "图为……", or a short
line that is neither a heading (bold, ``<h2>``, "一、…") nor a paragraph of prose, except that a
centred line under a centred picture may be a sentence. Alt text (then the title attribute) stands in
only when there is no such line; the page's title never does.

A caption that describes the picture is also text a reader reads, and stays in the body (the labelled
corpora keep it there, and a search for its words should find the article). Only the lines that say
nothing of their own leave the body: a photo credit, a file name ("DSC_0742_副本.jpg"), or the image's
alt text printed again.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from .classify import is_prose
from .lines import BLOCK_TAGS, ImageItem, Item, TextLine, tag_name
from .result import ImageRef

# "乌兰县城一角 新华社记者 张宏祥/摄", "（记者 李四 摄）", "图为…… 王五 摄影", "张三供图"
CAPTION_LINE = re.compile(
    r"(/\s*摄|／\s*攝|\s摄|\s攝|摄影|攝影|供图|供圖|图片来源[:：].*|圖片來源[:：].*|[（(]\s*[摄攝]\s*[)）])\s*[)）]?\s*$"
)
# "图为……", "上图：……", "（图）……": the caption convention of Chinese papers.
_CAPTION_OPENING = re.compile(
    r"^\s*[（(【\[]?\s*(?:图为|圖為|图：|圖：|上图|下图|左图|右图|上圖|下圖|左圖|右圖|题图|題圖)"
)
_NUMBERED_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．]\s*\S)"
)
_CAPTION_HINT = re.compile(
    r"caption|pic_?(?:txt|text|desc|info)|img_?(?:txt|text|desc|title)|photo_?desc|tuzhu", re.I
)
_CENTRED_STYLE = re.compile(r"text-align\s*:\s*center", re.I)
_FILE_NAME = re.compile(r"\.(?:jpe?g|png|gif|bmp|webp|tiff?)\s*$", re.IGNORECASE)
_MAX_CAPTION = 120
_MAX_PLAIN_CAPTION = 60
_MIN_IMAGE_SIDE = 40
_NEAR_LEVELS = 3  # the caption's block shares an ancestor this close with the image's own block


def is_caption_line(text: str) -> bool:
    return len(text) <= _MAX_CAPTION and bool(CAPTION_LINE.search(text))


def _too_small(image: ImageItem) -> bool:
    for side in ("width", "height"):
        value = (image.element.get(side) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < _MIN_IMAGE_SIDE:
            return True
    return False


def _block_of(element: etree._Element) -> etree._Element:
    node = element.getparent()
    while node is not None and tag_name(node) not in BLOCK_TAGS:
        node = node.getparent()
    return node if node is not None else element


def _centred(element: etree._Element) -> bool:
    for node in (element, element.getparent()):
        if node is None:
            return False
        if tag_name(node) == "center" or (node.get("align") or "").lower() == "center":
            return True
        if _CENTRED_STYLE.search(node.get("style") or ""):
            return True
    return False


def _near(block: etree._Element, other: etree._Element) -> bool:
    """Whether ``other`` sits within a few levels of ``block`` (next paragraph, next table row):
    one of ``block``'s near ancestors is also an ancestor of ``other``, close above it."""
    near = set()
    ancestor = block
    for _ in range(_NEAR_LEVELS):
        ancestor = ancestor.getparent()
        if ancestor is None:
            break
        near.add(ancestor)
    for level, above in enumerate(other.iterancestors()):
        if above in near:
            return True
        if level >= 2 * _NEAR_LEVELS:
            return False
    return False


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _caption_after(image: ImageItem, line: TextLine, alone: bool) -> bool:
    """Whether ``line``, the first line after ``image``, is that image's caption."""
    text = line.text
    if len(text) > _MAX_CAPTION:
        return False
    if is_caption_line(text) or (image.alt and _fold(text) == _fold(image.alt)):
        return True
    block = _block_of(image.element)
    hints = f"{line.element.get('class', '')} {line.element.get('id', '')}"
    if tag_name(line.element) == "figcaption" or _CAPTION_HINT.search(hints):
        return True
    if line.element is not block and not (alone and _near(block, line.element)):
        return False  # a line in a block of its own, away from the picture, is text
    if line.is_bold or tag_name(line.element) in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        return False  # a section heading right under a picture
    if _NUMBERED_HEADING.match(text) or line.link_share > 0.5:
        return False
    if _CAPTION_OPENING.match(text):
        return True
    if _centred(line.element) and _centred(block):
        return True
    return len(text) <= _MAX_PLAIN_CAPTION and not is_prose(line)


def _not_text(image: ImageItem, caption: str) -> bool:
    """A caption line with nothing to read in it: a credit, a file name, the alt text again."""
    return bool(
        is_caption_line(caption)
        or _FILE_NAME.search(caption)
        or (image.alt and _fold(caption) == _fold(image.alt))
    )


def attach_captions(items: list[Item], base_url: str) -> tuple[list[ImageRef], set[int], int]:
    """Images in reading order, the positions of caption lines that leave the body (see above), and
    the number of images skipped because their address cannot be resolved."""
    images: list[ImageRef] = []
    bad = 0
    caption_positions: set[int] = set()
    for index, item in enumerate(items):
        if not isinstance(item, ImageItem) or item.src.startswith("data:") or _too_small(item):
            continue
        caption = None
        following = items[index + 1] if index + 1 < len(items) else None
        if isinstance(following, TextLine):
            block = _block_of(item.element)
            alone = not any(
                isinstance(other, TextLine) and other.element is block
                for other in items[max(0, index - 1) : index]
            )
            if _caption_after(item, following, alone):
                caption = following.text
                if _not_text(item, caption):
                    caption_positions.add(index + 1)
        caption = caption or item.alt or item.title or None
        try:
            src = urljoin(base_url, item.src)
        except ValueError:
            bad += 1  # a malformed address ("http://[::1/x") is one bad image, not a failed page
            continue
        images.append(ImageRef(src=src, caption=caption, alt=item.alt or None))
    return images, caption_positions, bad
