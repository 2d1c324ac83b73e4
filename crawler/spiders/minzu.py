"""The minzu-archive spider: one site's articles and everything around them.

What to crawl comes from a :class:`archive.sites.SiteDefinition` (the ``ARCHIVE_SITE`` setting; the default
site otherwise): start URLs, scope, and the URL shapes of articles and listings. From
its start URLs the spider follows every in-scope link: the breadcrumb to the channel, every page of the
channel's listings, sibling and related articles, each page's requisites (images, stylesheets, scripts) and
attachments, and the site's feeds (sitemaps named in robots.txt, RSS or Atom linked from a page). The site's
HTML is not known here, so nothing depends on class names: links are links.

Completeness comes first: there is no small hop count. Traps are recognised instead (``crawler.limits``), and
a run of empty date pages (a calendar past the site's content) stops its own walk here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from archive.sites import SiteDefinition, get_site
from crawler.feeds import feed_item_links, feed_links, robots_sitemaps, sitemap_locations
from crawler.incremental import NOT_MODIFIED_FLAG
from crawler.revisits import RevisitPlan
from crawler.traps import date_in_url
from crawler.urls import SchemePreference

_REQUISITE_SELECTORS = (
    "img::attr(src)",
    "img::attr(data-src)",
    "link[rel~=stylesheet]::attr(href)",
    "link[rel~=icon]::attr(href)",
    "script::attr(src)",
    "input[type=image]::attr(src)",
)
# Request priorities: an article's images right after it, articles before the next listing page, so the
# frontier stays short (a listing adds twenty articles; fetching them first keeps the queue near that).
_PRIORITY = {"requisite": 10, "article": 8, "feed": 7, "sitemap": 7, "listing": 6, "page": 0}
EMPTY_DATE_RUN_KEY = "empty_date_pages"


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    """Accept both `-a start_urls=a,b` from the command line and a list from code."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


class MinzuSpider(Spider):
    """Archive one site (or any start URLs given) and the pages around each article."""

    name = "minzu"

    def __init__(
        self,
        start_urls: str | Iterable[str] | None = None,
        allowed_domains: str | Iterable[str] | None = None,
        site: str | SiteDefinition | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.site = site if isinstance(site, SiteDefinition) else get_site(site or None)
        given = _as_list(start_urls)
        self.start_urls = given or list(self.site.start_urls)
        # Start URLs without a scope: their own hosts are the scope (else the offsite filter drops them).
        start_hosts = sorted({urlsplit(url).hostname or "" for url in given} - {""})
        self.allowed_domains = _as_list(allowed_domains) or start_hosts or list(self.site.scope)
        # One page, one URL: an http:// link to a host crawled over https is asked for as https.
        self.schemes = SchemePreference.from_urls(self.start_urls)
        # Scope is checked on host names here (the extractor's allow_domains would compare host:port).
        self.links = LinkExtractor(
            deny_extensions=[],  # attachments (.pdf, .doc, .xls) belong in the archive
            tags=("a", "area"),
            attrs=("href",),
            unique=True,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> MinzuSpider:
        # The site is a setting, not a spider argument: the add-on reads it too (WARC prefix, user agent).
        configured = crawler.settings.get("ARCHIVE_SITE") or None
        if kwargs.get("site") not in (None, configured):
            raise ValueError(f"the site is chosen with -s ARCHIVE_SITE={kwargs['site']}, not -a site=")
        kwargs["site"] = configured
        spider = super().from_crawler(crawler, *args, **kwargs)
        if crawler.settings.getbool("ARCHIVE_FOLLOW_SITEMAPS", True):
            crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    def page_kind(self, url: str) -> str:
        return self.site.page_kind(url)

    def in_scope(self, url: str) -> bool:
        """True when the URL's host is an allowed domain or one of its subdomains (any port)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == domain or host.endswith("." + domain) for domain in self._scope_hosts)

    @property
    def _scope_hosts(self) -> list[str]:
        return [domain.lower().split(":")[0] for domain in self.allowed_domains]

    def request(self, url: str, kind: str | None = None, **meta: Any) -> Request:
        """A request for an in-scope URL in its canonical form, with the priority of its kind."""
        url = self.schemes.canonical(url)
        kind = kind or self.page_kind(url)
        callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap}.get(kind, self.parse)
        priority = _PRIORITY.get(kind, 0)
        return Request(url, callback=callback, priority=priority, meta={"page_kind": kind, **meta})

    async def start(self) -> AsyncIterator[Request]:
        self.crawler.stats.set_value("archive/site", self.crawler.settings.get("ARCHIVE_SITE"))
        # Start URLs are hubs: asked for on every run, and the listings they link to with them.
        for url in self.start_urls:
            yield self.request(url, hub=True)
        for url in self.site.feeds:
            yield self.request(url, "sitemap" if "sitemap" in url else "feed")
        # Archived URLs that are due: asking for each again is how an edit or a removal is noticed. Only if
        # one changed are its links followed, so a crawler trap archived once does not grow on every run.
        due = [url for url in self.plan.due if self.in_scope(url)]
        self.crawler.stats.set_value("revisit/due_queued", len(due))
        for url in due:
            yield self.request(url, revalidation=True)

    @property
    def plan(self) -> RevisitPlan:
        """The run's revisit plan, loaded from the collection's schedule once (everything, without one)."""
        if getattr(self, "_plan", None) is None:
            settings = self.crawler.settings
            wanted = settings.getbool("ARCHIVE_INCREMENTAL_ENABLED") and settings.get("ARCHIVE_DIR")
            self._plan = RevisitPlan.load(settings) if wanted else RevisitPlan.everything()
        return self._plan

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Sitemaps named in robots.txt become extra seeds (what pagination misses, a sitemap may list)."""
        for url in robots_sitemaps(robotparser):
            if self.in_scope(url):
                self.crawler.stats.inc_value("site/sitemaps_from_robots")
                self.crawler.engine.crawl(self.request(url, "sitemap"))

    def parse(self, response: Response) -> Iterable[Request]:
        if not isinstance(response, TextResponse) or not _is_html(response):
            return
        kind = response.meta.get("page_kind", "page")
        self.crawler.stats.inc_value(f"site/pages/{kind}")
        for selector in _REQUISITE_SELECTORS:
            for src in response.css(selector).getall():
                url = _join(response, src)
                if url and self._wanted(url):
                    yield self.request(url, "requisite")
        for href in feed_links(response):
            url = _join(response, href)
            if url and self.in_scope(url):
                yield self.request(url, "feed")
        hub = response.meta.get("hub") or response.meta.get("listing_hub")
        if NOT_MODIFIED_FLAG in response.flags and not hub:
            return  # unchanged since it was archived: its links were followed then, and are re-checked too
        links = [link.url for link in self.links.extract_links(response) if self.in_scope(link.url)]
        empty_run = self._empty_date_run(response, links)
        # Listings linked from a hub are asked for on every run; so are the listings linked from a listing
        # that shows new articles (a busy day pushes new articles past the first page).
        shows_new = kind == "listing" and any(
            self.site.is_article(url) and not self.plan.is_known(url) for url in links
        )
        for url in links:
            if empty_run and date_in_url(url) is not None:
                if empty_run >= self.crawler.settings.getint("ARCHIVE_TRAP_EMPTY_DATE_PAGES", 2):
                    self.crawler.stats.inc_value("traps/empty_date_pages")
                    continue
                if self._wanted(url):
                    yield self.request(url, **{EMPTY_DATE_RUN_KEY: empty_run})
            elif self.site.is_listing(url) and (response.meta.get("hub") or shows_new):
                yield self.request(url, listing_hub=True)
            elif self._wanted(url):
                yield self.request(url)

    def _wanted(self, url: str) -> bool:
        """New, or due in this run: a known URL that is not due is left for a later run."""
        if self.plan.wants(url):
            return True
        self.crawler.stats.inc_value("revisit/not_due_skipped")
        return False

    def _empty_date_run(self, response: Response, links: list[str]) -> int:
        """How many date pages in a row (this one included) listed no article: 0 for a page with content.

        A calendar walks on for ever in both directions; past the site's content its pages list nothing.
        """
        if date_in_url(response.url) is None or any(self.site.is_article(url) for url in links):
            return 0
        return int(response.meta.get(EMPTY_DATE_RUN_KEY, 0)) + 1

    def parse_feed(self, response: Response) -> Iterable[Request]:
        """RSS or Atom: each item's link is a page to archive (new articles show up here first)."""
        self.crawler.stats.inc_value("site/pages/feed")
        for url in feed_item_links(response):
            if self.in_scope(url) and self._wanted(url):
                yield self.request(url)

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        """A sitemap index leads to sitemaps; a sitemap lists pages."""
        self.crawler.stats.inc_value("site/pages/sitemap")
        for url, is_index in sitemap_locations(response):
            if self.in_scope(url) and (is_index or self._wanted(url)):
                yield self.request(url, "sitemap" if is_index else None)


def _join(response: Response, href: str) -> str | None:
    """An absolute http(s) URL, or None for a link that cannot be one (a malformed one costs only itself)."""
    try:
        url = response.urljoin(href.strip())
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def _is_html(response: TextResponse) -> bool:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    return "html" in content_type or not content_type
