"""Article images with the caption a reader sees: the credit line under the picture, else its alt text."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .lines import ImageItem, Item, TextLine
from .result import ImageRef

# "乌兰县城一角 新华社记者 张宏祥/摄", "（记者 李四 摄）", "图为…… 王五 摄影", "张三供图"
CAPTION_LINE = re.compile(r"(/\s*摄|\s摄|摄影|供图|图片来源[:：].*|[（(]\s*摄\s*[)）])\s*[)）]?\s*$")
_MAX_CAPTION = 120
_MIN_IMAGE_SIDE = 40


def is_caption_line(text: str) -> bool:
    return len(text) <= _MAX_CAPTION and bool(CAPTION_LINE.search(text))


def _too_small(image: ImageItem) -> bool:
    for side in ("width", "height"):
        value = (image.element.get(side) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < _MIN_IMAGE_SIDE:
            return True
    return False


def attach_captions(items: list[Item], base_url: str, title: str | None) -> tuple[list[ImageRef], set[int]]:
    """Images in reading order, and the positions of caption lines that must leave the body."""
    images: list[ImageRef] = []
    caption_positions: set[int] = set()
    for index, item in enumerate(items):
        if not isinstance(item, ImageItem) or item.src.startswith("data:") or _too_small(item):
            continue
        caption = None
        following = items[index + 1] if index + 1 < len(items) else None
        if isinstance(following, TextLine) and is_caption_line(following.text):
            caption = following.text
            caption_positions.add(index + 1)
        caption = caption or item.alt or item.title or title
        images.append(ImageRef(src=urljoin(base_url, item.src), caption=caption, alt=item.alt or None))
    return images, caption_positions
