"""``ARCHIVE_HTTP_PROXY``: one proxy for every request of the crawl, given as a setting.

The environment's ``http_proxy`` would not reach a crawl scheduled through Scrapyd (its processes do not
take the scheduler's environment) and covers plain-HTTP URLs only; a setting passes through
``schedule.json``, `scrapy crawl -s` and ``minzu-archive crawl --proxy`` alike. The middleware (priority 740) runs before Scrapy's
HttpProxyMiddleware (750), which then applies the proxy and any credentials in it, and before the address
guard (760), which leaves name resolution to the proxy. robots.txt requests go through downloader
middlewares too, so they use the proxy as well.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class ArchiveProxyMiddleware:
    """Sets ``request.meta["proxy"]`` on every http(s) request that has no proxy of its own."""

    def __init__(self, proxy_url: str) -> None:
        self.proxy_url = proxy_url

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveProxyMiddleware:
        proxy_url = (crawler.settings.get("ARCHIVE_HTTP_PROXY") or "").strip()
        if not proxy_url:
            raise NotConfigured  # no message: an unset proxy is the normal case, not worth a warning
        if urlsplit(proxy_url).scheme not in ("http", "https"):
            raise ValueError(f"ARCHIVE_HTTP_PROXY must be an http(s) URL, not {proxy_url!r}")
        return cls(proxy_url)

    def process_request(self, request: Request) -> None:
        if "proxy" not in request.meta and urlsplit(request.url).scheme in ("http", "https"):
            request.meta["proxy"] = self.proxy_url
