"""The site's machine-readable doors: an RSS 2.0 feed of the newest articles and an optional sitemap index.

The feed (``/rss.xml``, named by the home page's ``<link rel="alternate">``) lists the newest fifty
articles, as CMS feeds usually do. The sitemap index (``/sitemap.xml``, named by robots.txt's ``Sitemap:``
line) points at sitemaps of at most ``SITEMAP_SIZE`` articles each (the protocol allows 50,000; smaller
files make the index worth reading). Absolute URLs take the scheme the feed was fetched with.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from xml.sax.saxutils import escape

from sitemodel.model import Entry, Site

FEED_SIZE = 50
SITEMAP_SIZE = 1000
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_rss(site: Site, origin: str) -> str:
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{origin}{e.path}</link>"
        f'<guid isPermaLink="true">{origin}{e.path}</guid><pubDate>{_rfc822(e.date)}</pubDate></item>\n'
        for e in site.latest(FEED_SIZE)
    )
    newest = _rfc822(site.newest_modified())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>中国民族杂志社</title><link>{origin}/</link><description>《中国民族》杂志最新文章</description>"
        f"<language>zh-cn</language><lastBuildDate>{newest}</lastBuildDate>\n{items}</channel></rss>\n"
    )


def sitemap_count(site: Site) -> int:
    return max(1, -(-len(site.entries) // SITEMAP_SIZE))


def sitemap_path(number: int) -> str:
    return f"/sitemaps/articles-{number}.xml"


def render_sitemap_index(site: Site, origin: str) -> str:
    rows = []
    for number in range(1, sitemap_count(site) + 1):
        lastmod = site.newest_modified(_sitemap_entries(site, number))
        rows.append(
            f"<sitemap><loc>{origin}{sitemap_path(number)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{"".join(rows)}</sitemapindex>\n'


def render_sitemap(site: Site, origin: str, number: int) -> str | None:
    """Sitemap ``number`` (from 1), or None past the last one."""
    if not 1 <= number <= sitemap_count(site):
        return None
    rows = "".join(
        f"<url><loc>{origin}{e.path}</loc><lastmod>{e.modified}</lastmod></url>\n"
        for e in _sitemap_entries(site, number)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{rows}</urlset>\n'


def _sitemap_entries(site: Site, number: int) -> tuple[Entry, ...]:
    return site.entries[(number - 1) * SITEMAP_SIZE : number * SITEMAP_SIZE]


def _rfc822(day: str) -> str:
    moment = dt.datetime.fromisoformat(day).replace(tzinfo=CHINA_TIME)
    return email.utils.format_datetime(moment)
