"""The websites this archive knows. Each module of this package that defines ``SITE`` is one of them.

A second site is one new module here (``archive/sites/<name>.py`` with ``SITE = SiteDefinition(...)``), found
without any other edit. A deployment can also keep its definition outside the package and name it as
``package.module:ATTRIBUTE`` (the ``ARCHIVE_SITE`` setting accepts either form).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from urllib.parse import urlsplit

from archive.sites.base import SiteDefinition
from archive.sites.minzu import SITE as DEFAULT_SITE


@cache
def known_sites() -> dict[str, SiteDefinition]:
    """Every site defined in this package, by name."""
    found: dict[str, SiteDefinition] = {}
    for module in pkgutil.iter_modules(__path__, __name__ + "."):
        site = getattr(importlib.import_module(module.name), "SITE", None)
        if isinstance(site, SiteDefinition):
            found[site.name] = site
    return found


def get_site(name: str | None = None) -> SiteDefinition:
    """The site called ``name`` (the default site for None), or one given as ``module:ATTRIBUTE``."""
    if name is None:
        return DEFAULT_SITE
    if ":" in name:
        module_name, _, attribute = name.partition(":")
        try:
            site = getattr(importlib.import_module(module_name), attribute, None)
        except ImportError as error:
            raise ValueError(f"cannot import the site definition {name!r}: {error}") from None
        if not isinstance(site, SiteDefinition):
            raise ValueError(f"{name!r} is not a SiteDefinition")
        return site
    sites = known_sites()
    if name not in sites:
        raise ValueError(f"unknown site {name!r}; known: {', '.join(sorted(sites))}")
    return sites[name]


def site_for_url(url: str) -> SiteDefinition | None:
    """The known site whose scope holds ``url``'s host (a subdomain counts), if any."""
    host = (urlsplit(url).hostname or "").lower()
    for site in known_sites().values():
        if any(host == domain or host.endswith("." + domain) for domain in site.scope):
            return site
    return None


__all__ = ["DEFAULT_SITE", "SiteDefinition", "get_site", "known_sites", "site_for_url"]
