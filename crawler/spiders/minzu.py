"""The spider for www.56-china.com.cn: an article and everything around it.

From its start URLs it follows every in-scope link: the breadcrumb to the channel, the channel's listing
pages, sibling and related articles, and each page's requisites (images, stylesheets, scripts) and
attachments. The site's HTML is not known here, so nothing depends on class names: links are links.
Scope is ``allowed_domains`` (Scrapy's offsite filter), robots.txt is obeyed by Scrapy's middleware, and
``DEPTH_LIMIT`` / ``CLOSESPIDER_PAGECOUNT`` cap a crawl that meets a trap.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.incremental import NOT_MODIFIED_FLAG

REAL_SITE_HOST = "www.56-china.com.cn"
REAL_SITE_START_URLS = (
    "https://www.56-china.com.cn/",
    # The article this project started from (channel 示范创建, 2018-05-18).
    "https://www.56-china.com.cn/show-case-1616.html",
)

_ARTICLE_PATH = re.compile(r"/show-[a-z]+-\d+\.html$")
_REQUISITE_SELECTORS = (
    "img::attr(src)",
    "img::attr(data-src)",
    "link[rel~=stylesheet]::attr(href)",
    "link[rel~=icon]::attr(href)",
    "script::attr(src)",
    "input[type=image]::attr(src)",
)


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    """Accept both `-a start_urls=a,b` from the command line and a list from code."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


def page_kind(url: str) -> str:
    """Coarse page type, for statistics and request priority only."""
    if _ARTICLE_PATH.search(url):
        return "article"
    if "/list-" in url:
        return "listing"
    return "page"


class MinzuSpider(Spider):
    """Archive www.56-china.com.cn (or any start URLs given) and the pages around each article."""

    name = "minzu"

    def __init__(
        self,
        start_urls: str | Iterable[str] | None = None,
        allowed_domains: str | Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        given = _as_list(start_urls)
        self.start_urls = given or list(REAL_SITE_START_URLS)
        # Start URLs without a scope: their own hosts are the scope (else the offsite filter drops them).
        start_hosts = sorted({urlsplit(url).hostname or "" for url in given} - {""})
        self.allowed_domains = _as_list(allowed_domains) or start_hosts or [REAL_SITE_HOST]
        # Scope is checked on host names here (the extractor's allow_domains would compare host:port).
        self.links = LinkExtractor(
            deny_extensions=[],  # attachments (.pdf, .doc, .xls) belong in the archive
            tags=("a", "area"),
            attrs=("href",),
            unique=True,
        )

    def in_scope(self, url: str) -> bool:
        """True when the URL's host is an allowed domain or one of its subdomains (any port)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == domain or host.endswith("." + domain) for domain in self._scope_hosts)

    @property
    def _scope_hosts(self) -> list[str]:
        return [domain.lower().split(":")[0] for domain in self.allowed_domains]

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(url, callback=self.parse, meta={"page_kind": page_kind(url)})
        # A known page is re-checked; only if it changed are its links followed (new articles on a listing),
        # so a crawler trap archived once does not grow deeper on every run.
        for url in self._known_pages():
            meta = {"page_kind": page_kind(url), "known_page": True}
            yield Request(url, callback=self.parse, meta=meta)

    def _known_pages(self) -> list[str]:
        """Pages archived by earlier runs: asking for each again is how a removed article is noticed."""
        settings = self.crawler.settings
        if not settings.getbool("ARCHIVE_REVISIT_KNOWN_PAGES") or not settings.get("ARCHIVE_DIR"):
            return []
        from archive.collection import database_path
        from archive.db.prior_captures import known_page_urls, open_if_exists

        db = open_if_exists(database_path(Path(settings.get("ARCHIVE_DIR"))))
        if db is None:
            return []
        try:
            urls = known_page_urls(db)
        finally:
            db.close()
        in_scope = [url for url in urls if self.in_scope(url)]
        self.crawler.stats.set_value("minzu/known_pages", len(in_scope))
        return in_scope

    def parse(self, response: Response) -> Iterable[Request]:
        if not isinstance(response, TextResponse) or not _is_html(response):
            return
        self.crawler.stats.inc_value(f"minzu/pages/{response.meta.get('page_kind', 'page')}")
        for selector in _REQUISITE_SELECTORS:
            for src in response.css(selector).getall():
                url = response.urljoin(src.strip())
                if url.startswith(("http://", "https://")):
                    yield Request(url, callback=self.parse, priority=10, meta={"page_kind": "requisite"})
        if response.meta.get("known_page") and NOT_MODIFIED_FLAG in response.flags:
            return  # unchanged since it was archived: its links were followed then, and are re-checked too
        for link in self.links.extract_links(response):
            if not self.in_scope(link.url):
                continue
            kind = page_kind(link.url)
            priority = 5 if kind == "article" else 0
            yield Request(link.url, callback=self.parse, priority=priority, meta={"page_kind": kind})


def _is_html(response: TextResponse) -> bool:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    return "html" in content_type or not content_type
