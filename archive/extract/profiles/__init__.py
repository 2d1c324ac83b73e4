"""Site profiles and how one is chosen for a page."""

from __future__ import annotations

from .base import SiteProfile
from .minzu import MINZU

PROFILES: dict[str, SiteProfile] = {MINZU.name: MINZU}


def select_profile(url: str, requested: str = "auto") -> SiteProfile | None:
    """The named profile, the one whose host matches ``url`` for "auto", or None for "generic"."""
    if requested == "generic":
        return None
    if requested != "auto":
        if requested not in PROFILES:
            raise ValueError(f"unknown extraction profile {requested!r}; known: {sorted(PROFILES)}")
        return PROFILES[requested]
    return next((profile for profile in PROFILES.values() if profile.matches(url)), None)


__all__ = ["PROFILES", "SiteProfile", "select_profile"]
