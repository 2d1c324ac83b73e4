"""Extraction profile of 《中国民族》 magazine's site (the site definition archive/sites/minzu.py names it).

The real site's HTML is not available offline: the class names below follow the documented guess
that the site model serves ("h1.title", "div.content", "发布日期:" line). The text anchors (发布日期,
您现在所在位置) are from real pages; the class names are not, hence the generic fallbacks.
"""

from __future__ import annotations

from .base import SiteProfile

MINZU = SiteProfile(
    name="56-china",
    title_xpaths=("//h1[contains(concat(' ', normalize-space(@class), ' '), ' title ')]", "//h1"),
    container_xpaths=("//div[contains(concat(' ', normalize-space(@class), ' '), ' content ')]",),
    date_labels=("发布日期",),
    notes={"template": "guessed; see sitemodel and SITE.md"},
)
