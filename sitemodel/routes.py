"""Which response each path of the modelled site gets, the deliberate trouble included.

The router decides status, body and delivery hints (compress? chunk? delay?); ``server.py`` turns them into
bytes on the wire. The only state is the memory of which flaky pages have already failed once, so one router
belongs to one running server.

URL layout guesses: the old dynamic URL ``/index.php?m=content&c=index&a=show&catid=3&id=<id>`` (301 to
``/show-case-<id>.html``) is the PHPCMS default the real site's static URLs were presumably rewritten from;
``/calendar/YYYY-MM.html`` and the topic page ``/专题/民族团结进步.html`` are inventions made to host the crawler
trap and the non-ASCII path. ``/rss.xml`` and the sitemaps are described in ``feeds.py``. One article image
(``Site.refused_images``, when ``Options.refused_image`` is on) answers 403, as hotlink protection does.
Absolute URLs the router writes (redirects, feeds, robots.txt) use the origin the request came in on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote_to_bytes

from sitemodel import feeds, pages
from sitemodel.media import media_for
from sitemodel.model import ORIGIN, Site

ARTICLE = re.compile(r"/show-case-(\d+)\.html")
LISTING = re.compile(r"/list-case-(\d+)-(\d+)\.html")
CALENDAR = re.compile(r"/calendar/(\d{4})-(\d{2})\.html")
SITEMAP = re.compile(r"/sitemaps/articles-(\d+)\.xml")
XML = "application/xml; charset=utf-8"
CALENDAR_YEARS = range(1000, 9999)  # "endless" within what datetime can name
SITE_BIRTHDAY = dt.date(2014, 1, 1)


@dataclass(frozen=True)
class Reply:
    """What to answer: the server adds validators, content coding and framing from these hints."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    modified: dt.date | None = None
    headers: tuple[tuple[str, str], ...] = ()
    compressible: bool = False
    chunked: bool = False
    delay: float = 0.0


def decode_path(raw_path: str) -> str:
    """The path as text, whether the client sent it percent-encoded or as raw UTF-8 bytes.

    ``http.server`` decodes the request line as ISO-8859-1, so raw UTF-8 arrives as mojibake: re-encoding to
    ISO-8859-1 restores the bytes, then percent-escapes are resolved and the result read as UTF-8.
    """
    raw = raw_path.encode("iso-8859-1", errors="replace")
    return unquote_to_bytes(raw).decode("utf-8", errors="replace")


class Router:
    """Maps (path, query) to a Reply for one version of the site."""

    def __init__(self, site: Site, slow_seconds: float = 1.5) -> None:
        self.site = site
        self.slow_seconds = slow_seconds
        self._failed_once: set[str] = set()
        self._lock = threading.Lock()

    def route(self, raw_path: str, query: str, origin: str = ORIGIN) -> Reply:
        path = decode_path(raw_path)
        site = self.site
        if path in ("/", "/index.html") and not query:
            return self._html(pages.render_home(site), self._newest())
        if path == "/index.php":
            return self._old_url(query, origin)
        if path == "/robots.txt":
            body = pages.robots_txt(site, origin).encode()
            return Reply(200, body, "text/plain; charset=utf-8", SITE_BIRTHDAY)
        if path == pages.FEED_PATH:
            body = feeds.render_rss(site, origin).encode()
            return Reply(200, body, "application/rss+xml; charset=utf-8", self._newest(), compressible=True)
        if path == "/sitemap.xml" and site.options.sitemap:
            return Reply(200, feeds.render_sitemap_index(site, origin).encode(), XML, self._newest())
        if path == "/admin" or path.startswith(site.trouble.disallowed_path):
            return self._error(403, "Forbidden")
        if path == site.trouble.topic_path:
            newest = max((e.modified for e in pages.topic_articles(site)), default=SITE_BIRTHDAY.isoformat())
            return self._html(pages.render_topic(site), dt.date.fromisoformat(newest))
        for pattern, handler in (
            (ARTICLE, self._article),
            (LISTING, self._listing),
            (CALENDAR, self._calendar),
        ):
            match = pattern.fullmatch(path)
            if match:
                return handler(path, *map(int, match.groups()))
        sitemap = SITEMAP.fullmatch(path)
        if sitemap and site.options.sitemap:
            text = feeds.render_sitemap(site, origin, int(sitemap.group(1)))
            if text is not None:
                return Reply(200, text.encode(), XML, self._newest(), compressible=True)
        if path in site.refused_images:
            return self._error(403, "Forbidden")
        media = media_for(site, path)
        if media is not None:
            return Reply(200, media.body, media.content_type, media.modified)
        return self._error(404, "Not Found")

    def _article(self, path: str, article_id: int) -> Reply:
        site = self.site
        if path in site.removed:
            status = site.removed[path]
            return self._error(status, "Gone" if status == 410 else "Not Found")
        article = site.article_by_path(path)
        if article is None:
            return self._error(404, "Not Found")
        if article.id == site.trouble.flaky_article_id and self._first_time(path):
            return self._error(500, "Internal Server Error")
        delay = self.slow_seconds if path == site.trouble.slow_path else 0.0
        charset = pages.meta_charset(article.encoding)
        body = pages.render_article(site, article).encode(article.encoding, errors="xmlcharrefreplace")
        return Reply(
            200,
            body,
            f"text/html; charset={charset}",
            dt.date.fromisoformat(article.modified),
            compressible=True,
            delay=delay,
        )

    def _listing(self, path: str, catid: int, page: int) -> Reply:
        channel = self.site.channel(catid)
        if channel is None or not 1 <= page <= self.site.page_count(channel):
            return self._error(404, "Not Found")
        newest = dt.date.fromisoformat(self.site.channel_modified(channel))
        reply = self._html(pages.render_listing(self.site, channel, page), newest)
        return dataclasses.replace(reply, chunked=True)

    def _calendar(self, path: str, year: int, month: int) -> Reply:
        if year not in CALENDAR_YEARS or not 1 <= month <= 12:
            return self._error(404, "Not Found")
        return self._html(pages.render_calendar(self.site, year, month), self._newest())

    def _old_url(self, query: str, origin: str) -> Reply:
        """301 from the old dynamic URLs to their static pages, as a CMS keeps after a URL rewrite."""
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        target = None
        if params.get("a") == "show" and params.get("id", "").isdigit():
            target = f"/show-case-{params['id']}.html"
            if self.site.entry(int(params["id"])) is None:
                target = None
        elif params.get("a") == "lists" and params.get("catid", "").isdigit():
            channel = self.site.channel(int(params["catid"]))
            target = channel.listing_path(1) if channel else None
        if target is None:
            return self._error(404, "Not Found")
        body = pages.render_error(301, "Moved Permanently").encode()
        return Reply(301, body, headers=(("Location", origin + target),))

    def _first_time(self, path: str) -> bool:
        with self._lock:
            if path in self._failed_once:
                return False
            self._failed_once.add(path)
            return True

    def _newest(self) -> dt.date:
        return dt.date.fromisoformat(self.site.newest_modified())

    @staticmethod
    def _html(text: str, modified: dt.date) -> Reply:
        return Reply(200, text.encode("utf-8"), modified=modified, compressible=True)

    @staticmethod
    def _error(status: int, message: str) -> Reply:
        return Reply(status, pages.render_error(status, message).encode("utf-8"))
