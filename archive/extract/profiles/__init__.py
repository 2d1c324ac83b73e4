"""Site profiles and how one is chosen for a page."""

from __future__ import annotations

from .base import SiteProfile
from .minzu import MINZU

PROFILES: dict[str, SiteProfile] = {MINZU.name: MINZU}


def select_profile(url: str, requested: str = "auto") -> SiteProfile | None:
    """The named profile; for "auto", the one of the site whose scope holds ``url``; None for "generic"."""
    if requested == "generic":
        return None
    if requested != "auto":
        if requested not in PROFILES:
            raise ValueError(f"unknown extraction profile {requested!r}; known: {sorted(PROFILES)}")
        return PROFILES[requested]
    # "auto": the profile the site definition names for the URL's host (archive/sites/).
    from archive.sites import site_for_url

    site = site_for_url(url)
    return PROFILES.get(site.extraction_profile) if site is not None else None


__all__ = ["PROFILES", "SiteProfile", "select_profile"]
