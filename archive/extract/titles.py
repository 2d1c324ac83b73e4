"""Headlines: the ``<title>`` tag carries the site name, ``og:title`` is sometimes cut, ``<h1>`` is best.

The rule: a heading on the page that the ``<title>`` tag starts with (or that starts the title tag) is
the headline; otherwise the ``<title>`` tag with its site suffix ("_中国民族杂志社", "-新华网",
"|人民网") removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SUFFIX_SEPARATORS = re.compile(r"\s*(?:_{1,2}|\||｜|-{1,2}|–|\s—\s|::|»)\s*")
_MAX_SUFFIX = 16  # site and channel names are short; a long tail is part of the headline
_MIN_TITLE = 4
_MAX_TITLE = 200


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def strip_site_suffix(title_tag: str) -> str:
    """Drop short trailing parts after a site separator: "正文标题_栏目_网站名" -> "正文标题"."""
    text = title_tag.strip()
    while True:
        separators = list(_SUFFIX_SEPARATORS.finditer(text))
        if not separators:
            return text
        last = separators[-1]
        head, tail = text[: last.start()], text[last.end() :]
        if len(tail) > _MAX_SUFFIX or len(head.strip()) < _MIN_TITLE:
            return text
        text = head.strip()


def choose_title(
    title_tag: str | None, headings: Iterable[str], og_title: str | None = None
) -> tuple[str | None, str]:
    """(title, rule) from the page's ``<title>``, its headings in page order, and ``og:title``."""
    headings = [h.strip() for h in headings if h and _MIN_TITLE <= len(h.strip()) <= _MAX_TITLE]
    reference = _norm(title_tag or "") or _norm(og_title or "")
    if reference:
        for heading in headings:
            key = _norm(heading)
            if key and (
                reference.startswith(key)
                or key.startswith(_norm(strip_site_suffix(title_tag or og_title or "")))
            ):
                return heading, "title:heading-matches-title-tag"
    if og_title and og_title.strip() and not og_title.strip().endswith(("...", "…")):
        cleaned = strip_site_suffix(og_title)
        if len(cleaned) >= _MIN_TITLE:
            return cleaned, "title:og"
    if title_tag and title_tag.strip():
        return strip_site_suffix(title_tag), "title:title-tag"
    if headings:
        return headings[0], "title:first-heading"
    return None, "title:none"
