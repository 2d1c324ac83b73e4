"""One page, one URL: the scheme a host is crawled with.

Sites that moved to https still link to their own pages as http:// here and there. Fetching both forms would
archive the page twice (or once plus a redirect each time). The scheme of a host's start URL is the one it is
crawled with, the way a browser upgrades a link to a site it knows is https-only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SchemePreference:
    """host name -> scheme to use for it (hosts not listed keep the scheme of each link)."""

    schemes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_urls(cls, urls: Iterable[str]) -> SchemePreference:
        schemes: dict[str, str] = {}
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme in _DEFAULT_PORTS and parts.hostname:
                schemes.setdefault(parts.hostname.lower(), parts.scheme)
        return cls(schemes)

    def canonical(self, url: str) -> str:
        """``url`` with its host's preferred scheme; an explicit non-default port is left alone."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return url
        wanted = self.schemes.get((parts.hostname or "").lower())
        if wanted is None or wanted == parts.scheme or parts.scheme not in _DEFAULT_PORTS:
            return url
        if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
            return url
        netloc = parts.netloc.rsplit(":", 1)[0] if port is not None else parts.netloc
        return urlunsplit((wanted, netloc, parts.path, parts.query, parts.fragment))
