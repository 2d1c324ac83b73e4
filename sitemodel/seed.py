"""Read the seed article (a verbatim copy of ../shared/seed/article.txt, relative to the repository root) into typed blocks.

The seed is the one page whose text we know for certain, so the model serves it line for line instead of
generating it. The text file is a reader's view of the page: the breadcrumb, the headline, the date line,
then the body, where a line that is an image file name stands for an ``<img>``, a line indented with spaces is a
paragraph and any other line is a section heading. The subscription block starts at the first line that reads
欢迎订阅《中国民族》杂志 and runs to the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sitemodel.model import Block

SUBSCRIPTION_TITLE = "欢迎订阅《中国民族》杂志"
_IMAGE_LINE = re.compile(r".+\.(?:jpe?g|png|gif)$", re.IGNORECASE)
_DATE_LINE = re.compile(r"发布日期[:：](\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class SeedText:
    """The seed article split into the parts a page is rendered from."""

    breadcrumb: tuple[str, ...]
    title: str
    date: str
    blocks: tuple[Block, ...]
    subscription_lines: tuple[str, ...]


def seed_text_path() -> str:
    """Absolute path of the committed copy, for tests that compare bytes."""
    return str(resources.files("sitemodel") / "data" / "seed_article.txt")


@cache
def load_seed() -> SeedText:
    """Parse the committed seed file once; the result is immutable and shared."""
    text = (resources.files("sitemodel") / "data" / "seed_article.txt").read_text(encoding="utf-8")
    return parse_seed(text)


def parse_seed(text: str) -> SeedText:
    """Split the reader's view of the seed page into breadcrumb, title, date, body and subscription lines."""
    lines = text.split("\n")
    breadcrumb_line, title, date_line, *rest = lines
    crumbs = breadcrumb_line.split(":", 1)[-1].split(">")
    date_match = _DATE_LINE.search(date_line)
    if date_match is None:
        raise ValueError(f"seed date line not understood: {date_line!r}")
    start = rest.index(SUBSCRIPTION_TITLE)
    blocks = tuple(_classify(line) for line in rest[:start] if line.strip())
    subscription = tuple(line for line in rest[start:] if line.strip())
    return SeedText(
        breadcrumb=tuple(c.strip() for c in crumbs),
        title=title.strip(),
        date=date_match.group(1),
        blocks=blocks,
        subscription_lines=subscription,
    )


def _classify(line: str) -> Block:
    if _IMAGE_LINE.match(line.strip()):
        return Block("image", line.strip())
    if line[:1].isspace():
        return Block("paragraph", line)
    return Block("heading", line)
