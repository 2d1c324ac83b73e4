"""Every outgoing link of a page, absolute, with its anchor text and the part of the page it sits in."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .lines import element_text
from .result import LinkRef

ATTACHMENT_SUFFIX = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|txt|wps|csv)(?:$|[?#])", re.IGNORECASE)
_NAV_HINT = re.compile(r"nav|menu|header|topbar", re.IGNORECASE)
_FOOTER_HINT = re.compile(r"footer|foot|bottom|copyright", re.IGNORECASE)
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")
# A page links to many addresses more than once (menus at the top and the bottom), and the pages of one
# site share their menus: urljoin is pure and costs more than all else done per link, so it is cached.
_join = lru_cache(maxsize=16_384)(urljoin)
# Addresses whose join needs no more of the base than its scheme and host: with a scheme and a host of
# their own, or a path from the root ("/a/b", not "//" alone, which would take the base's path). Tabs and
# line breaks are left out: urljoin deletes them first, which could leave an empty host or path.
_SITE_RELATIVE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\t\r\n]|/(?!/)")
_LINE_BREAKS = re.compile(r"[\t\r\n]")


def _own_region(node: etree._Element, regions: dict[etree._Element, str]) -> str | None:
    """The region this very element marks (a known block, a nav, a footer), if any."""
    if node in regions:
        return regions[node]
    tag = node.tag if isinstance(node.tag, str) else ""
    hints = f"{node.get('class', '')} {node.get('id', '')}"
    if tag == "nav" or (tag in {"ul", "div", "header"} and _NAV_HINT.search(hints)):
        return "nav"
    if tag == "footer" or _FOOTER_HINT.search(hints):
        return "footer"
    return None


def _region_of(
    element: etree._Element, regions: dict[etree._Element, str], seen: dict[etree._Element, str | None]
) -> str | None:
    """The nearest region around ``element``; ``seen`` remembers every element answered, so a page's
    links cost one walk up each branch, not one per link."""
    path: list[etree._Element] = []
    node: etree._Element | None = element
    found: str | None = None
    while node is not None:
        if node in seen:
            found = seen[node]
            break
        path.append(node)
        if (own := _own_region(node, regions)) is not None:
            found = own
            break
        node = node.getparent()
    for visited in path:
        seen[visited] = found
    return found


def join_base(base_url: str) -> Callable[[str], str]:
    """urljoin against ``base_url``, cached per site where the result allows.

    An address with its own host, or a path from the root, joins the same against any page of the
    site, so it is looked up under the site's root (``https://host/``) and the pages of a site share
    the cached joins of their menus. Keyed by the page's own URL, no two pages would share one.
    """
    try:
        parts = urlsplit(base_url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return lambda raw: _join(base_url, raw)
    site = f"{parts.scheme}://{parts.netloc}/"

    def join(raw: str) -> str:
        if _SITE_RELATIVE.match(raw) and not _LINE_BREAKS.search(raw):
            return _join(site, raw)
        return _join(base_url, raw)

    return join


def collect_links(
    root: etree._Element, base_url: str, regions: dict[etree._Element, str]
) -> tuple[list[LinkRef], int]:
    """Links in page order, and how many were skipped because their address cannot be resolved
    ("http://[::1/x"): one bad link is counted, never a failed page.

    ``regions`` maps known elements (breadcrumb, body, related...) to a rel."""
    links: list[LinkRef] = []
    seen: set[tuple[str, str]] = set()
    seen_regions: dict[etree._Element, str | None] = {}
    bad = 0
    join = join_base(base_url)
    for element in root.iter("a", "img"):
        is_image = element.tag == "img"
        raw = (element.get("src") if is_image else element.get("href")) or ""
        raw = raw.strip()
        if not raw or raw.lower().startswith(_SKIPPED_SCHEMES):
            continue
        try:
            url = join(raw)
        except ValueError:
            bad += 1
            continue
        if is_image:
            rel, text = "image", (element.get("alt") or "").strip()
        else:
            text = " ".join(element_text(element).split())
            rel = (
                "attachment"
                if ATTACHMENT_SUFFIX.search(url)
                else (_region_of(element, regions, seen_regions) or "page")
            )
        if (url, rel) in seen:
            continue
        seen.add((url, rel))
        links.append(LinkRef(url=url, text=text, rel=rel))
    return links, bad
