"""What the crawler, the archive and the exports need to know about one website, in one typed object.

Everything site-specific (host, start URLs, scope, user agent, WARC file prefix, URL shapes, extraction
profile, the archive's title) is read from a :class:`SiteDefinition`; a second site is one new module
beside ``minzu.py`` registered in ``archive/sites/__init__.py``, and no other edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SiteDefinition:
    """One archived website. Patterns are regular expressions matched against a URL's path (and query)."""

    name: str  # short id: spider name, WARC file prefix, stats namespace
    host: str
    start_urls: tuple[str, ...]
    article_path: str  # e.g. r"/show-[a-z]+-\d+\.html$"
    listing_path: str  # channel listing pages, for request priority and the completeness report
    extraction_profile: str  # a name known to archive.extract.profiles
    archive_title: str
    archive_description: str
    user_agent_comment: str = ""  # put after "minzu-archive/<version>" in the User-Agent
    allowed_domains: tuple[str, ...] = ()  # defaults to (host,)
    feeds: tuple[str, ...] = field(default=())  # sitemap or RSS URLs known without asking robots.txt

    @property
    def scope(self) -> tuple[str, ...]:
        """The host names a crawl of this site stays on."""
        return self.allowed_domains or (self.host,)

    @property
    def user_agent(self) -> str:
        from archive import __version__

        comment = f" ({self.user_agent_comment})" if self.user_agent_comment else ""
        return f"minzu-archive/{__version__}{comment}"

    @property
    def warc_prefix(self) -> str:
        return self.name

    @property
    def origin(self) -> str:
        """The canonical origin (scheme and host) of the site, taken from its first start URL."""
        scheme = self.start_urls[0].split("://", 1)[0] if self.start_urls else "https"
        return f"{scheme}://{self.host}"

    def is_article(self, url: str) -> bool:
        return re.search(self.article_path, _path_and_query(url)) is not None

    def is_listing(self, url: str) -> bool:
        return re.search(self.listing_path, _path_and_query(url)) is not None

    def page_kind(self, url: str) -> str:
        """Coarse page type, for statistics, request priority and the completeness report."""
        if self.is_article(url):
            return "article"
        if self.is_listing(url):
            return "listing"
        return "page"


def _path_and_query(url: str) -> str:
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    path = rest[slash:] if slash >= 0 else "/"
    return path.split("#", 1)[0]
