"""Feeds as extra seeds: sitemaps named in robots.txt, RSS and Atom feeds linked from pages.

Pagination reaches every article of a well-behaved site; a sitemap or a feed is a second route that costs a
few requests and catches what a broken listing hides (and, on a re-crawl, shows new articles first).
Parsing uses Scrapy's own sitemap reader, which guards against entity expansion and oversized bodies.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Response
from scrapy.selector import Selector
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file


def robots_sitemaps(robotparser: Any) -> list[str]:
    """The ``Sitemap:`` lines of a parsed robots.txt (Scrapy's Protego parser keeps them on ``rp``)."""
    parsed = getattr(robotparser, "rp", None)
    return [str(url) for url in getattr(parsed, "sitemaps", None) or ()]


def feed_links(response: Response) -> list[str]:
    """``<link rel="alternate">`` targets of an HTML page that announce a feed."""
    found = []
    for link in response.css("link[rel~=alternate]"):
        kind = (link.attrib.get("type") or "").strip().lower()
        href = (link.attrib.get("href") or "").strip()
        if kind in FEED_TYPES and href:
            found.append(href)
    return found


def feed_item_links(response: Response) -> list[str]:
    """Item links of an RSS 2.0 or Atom feed, as absolute URLs."""
    selector = Selector(text=_text(response.body), type="xml")
    selector.remove_namespaces()
    links = selector.xpath("//item/link/text()").getall()
    links += selector.xpath("//entry/link[not(@rel) or @rel='alternate']/@href").getall()
    return [_absolute(response, link) for link in links if link.strip()]


def sitemap_locations(response: Response) -> list[tuple[str, bool]]:
    """(URL, is a sitemap itself) for each ``<loc>`` of a sitemap or sitemap index; [] for a non-sitemap."""
    body = response.body
    if body[:2] == b"\x1f\x8b":  # a .xml.gz file served as bytes, not as Content-Encoding
        body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
    try:
        sitemap = Sitemap(body)
    except Exception:  # not XML at all: an HTML error page where a sitemap was announced
        return []
    is_index = sitemap.type == "sitemapindex"
    return [(_absolute(response, entry["loc"]), is_index) for entry in sitemap if entry.get("loc")]


def _absolute(response: Response, link: str) -> str:
    return response.urljoin(link.strip())


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")
