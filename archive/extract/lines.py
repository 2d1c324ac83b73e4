"""Read an HTML subtree the way a reader sees it: a sequence of text lines and images.

Both ``<p>`` paragraphs and ``<br>``-separated lines inside one table cell become separate lines, so
every later rule (boilerplate, captions, bylines, headings) works the same whatever the template.
Inside a line only ASCII whitespace runs collapse: no-break spaces and ideographic spaces that editors
put on purpose between the two halves of a Chinese heading are kept; they are only trimmed at the ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot "
    "td th tr ul caption".split()
)
SKIP_TAGS = frozenset(
    "script style noscript template iframe select option button input textarea svg canvas object embed "
    "map area head title meta link audio video source".split()
)
BOLD_TAGS = frozenset("b strong h1 h2 h3 h4 h5 h6".split())
_ASCII_SPACE_RUN = re.compile(r"[ \t\r\n\f\v]+")


@dataclass
class TextLine:
    """One visual line of text; ``element`` is the nearest block element that holds it."""

    text: str
    element: etree._Element
    bold_chars: int = 0
    link_chars: int = 0

    @property
    def is_bold(self) -> bool:
        visible = len(self.text.replace(" ", ""))
        return visible > 0 and self.bold_chars >= visible

    @property
    def link_share(self) -> float:
        return self.link_chars / max(1, len(self.text))


@dataclass
class ImageItem:
    """An ``<img>`` met while reading; ``src`` is as written in the page (made absolute later)."""

    src: str
    alt: str
    title: str
    element: etree._Element


Item = TextLine | ImageItem


def element_text(element: etree._Element) -> str:
    """All the text inside ``element`` (its tail left out), as ``"".join(element.itertext())`` gives it:
    serialized in C, four times faster, and read for every link and block of every page."""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def tag_name(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


class _LineBuilder:
    """Collects a line's text parts (each with its style and block) until a line break ends the line."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        # (text with ASCII whitespace runs collapsed, bold, linked, the block holding it); the walk
        # appends to this list directly, and calls flush() only when it holds something
        self.parts: list[tuple[str, bool, bool, etree._Element]] = []
        self.deepest = 0  # how many levels below the root the deepest element read sits

    def flush(self) -> None:
        """End the current line: a TextLine when it has visible text, held by its first part's block."""
        parts = self.parts
        if not parts:
            return
        raw = parts[0][0] if len(parts) == 1 else "".join([part[0] for part in parts])
        text = raw.strip()
        if text:
            bold = sum(len(p.strip(" ")) for p, b, _, _ in parts if b)
            linked = sum(len(p.strip()) for p, _, lk, _ in parts if lk)
            self.items.append(TextLine(text, parts[0][3], bold, linked))
        parts.clear()

    def add_image(self, element: etree._Element) -> None:
        src = element.get("src") or element.get("data-src") or element.get("data-original") or ""
        if src.strip():
            self.flush()
            alt = (element.get("alt") or "").strip()
            self.items.append(ImageItem(src.strip(), alt, (element.get("title") or "").strip(), element))


_ENTER, _LEAVE, _LEAVE_BLOCK = 0, 1, 2


def _walk(root: etree._Element, builder: _LineBuilder, skip: frozenset[int]) -> None:
    """Depth-first over ``root`` with an explicit stack: a page nested thousands of levels deep must
    not exhaust Python's recursion limit. Each element is entered (its own text, then its children)
    and left (a line break if it is a block, then its tail, which belongs to the block around it).

    An element with nothing to read below it (no children, skipped, ``<br>``, ``<img>``) is entered
    and left in one step: most elements of a page, and a stack entry each saved. This runs on every
    element of every page, so the builder's list and methods are bound once.
    """
    parts, flush = builder.parts, builder.flush
    add_part, collapse = parts.append, _ASCII_SPACE_RUN.sub
    # (element, enclosing block, bold, linked, _ENTER or how it is left, depth)
    stack: list[tuple[etree._Element, etree._Element, bool, bool, int, int]] = [
        (root, root, False, False, _ENTER, 0)
    ]
    pop, push = stack.pop, stack.append
    deepest = builder.deepest
    while stack:
        element, block, bold, linked, step, depth = pop()
        if step != _ENTER:
            if step == _LEAVE_BLOCK and parts:
                flush()
            if tail := element.tail:
                add_part((collapse(" ", tail), bold, linked, block))
            continue
        tag = element.tag
        name = tag.lower() if isinstance(tag, str) else ""
        if not name or name in SKIP_TAGS or id(element) in skip:
            if tail := element.tail:
                add_part((collapse(" ", tail), bold, linked, block))
            continue
        if depth > deepest:
            deepest = depth
        is_block = name in BLOCK_TAGS
        if is_block and parts:
            flush()
        if name == "br":
            if parts:
                flush()
        elif name == "img":
            builder.add_image(element)
        else:
            inner_block = element if is_block else block
            inner_bold = bold or name in BOLD_TAGS
            inner_link = linked or name == "a"
            if text := element.text:
                add_part((collapse(" ", text), inner_bold, inner_link, inner_block))
            if len(element):
                push((element, block, bold, linked, _LEAVE_BLOCK if is_block else _LEAVE, depth))
                stack.extend(
                    reversed(
                        [(child, inner_block, inner_bold, inner_link, _ENTER, depth + 1) for child in element]
                    )
                )
                continue
        if is_block and parts:
            flush()
        if tail := element.tail:
            add_part((collapse(" ", tail), bold, linked, block))
    builder.deepest = deepest


def read_lines(root: etree._Element, skip: frozenset[int] = frozenset()) -> list[Item]:
    """Lines and images of ``root`` in reading order; elements whose id() is in ``skip`` are left out."""
    return read_lines_and_depth(root, skip)[0]


def read_lines_and_depth(root: etree._Element, skip: frozenset[int] = frozenset()) -> tuple[list[Item], int]:
    """:func:`read_lines`, and how deep the elements read are nested (measured on the way)."""
    builder = _LineBuilder()
    tail = root.tail
    root.tail = None  # the text after the container is not part of it
    try:
        _walk(root, builder, skip)
    finally:
        root.tail = tail
    builder.flush()
    return builder.items, builder.deepest


def text_lines(items: list[Item]) -> Iterator[TextLine]:
    return (item for item in items if isinstance(item, TextLine))
