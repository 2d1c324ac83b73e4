"""The websites this archive knows, by name; ``DEFAULT_SITE`` is the one every command uses by default."""

from __future__ import annotations

from archive.sites.base import SiteDefinition
from archive.sites.minzu import MINZU_SITE

SITES: dict[str, SiteDefinition] = {MINZU_SITE.name: MINZU_SITE}
DEFAULT_SITE = MINZU_SITE


def get_site(name: str | None = None) -> SiteDefinition:
    """The named site (the default one for None); a clear error for a name nobody defined."""
    if name is None:
        return DEFAULT_SITE
    try:
        return SITES[name]
    except KeyError:
        raise ValueError(f"unknown site {name!r}; known: {', '.join(sorted(SITES))}") from None


def register_site(site: SiteDefinition) -> None:
    """Add a site at run time (a deployment's own module, or a test's toy site)."""
    SITES[site.name] = site


__all__ = ["DEFAULT_SITE", "SITES", "SiteDefinition", "get_site", "register_site"]
