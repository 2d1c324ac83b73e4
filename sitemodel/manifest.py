"""What one version of the site model serves, as plain JSON data that a crawl can be checked against.

``build_manifest(articles=N, version=V)`` (and ``python -m sitemodel --articles N --version V --manifest``)
gives every article served, with its image URLs and the day of its last change, and the URLs removed. URLs
are in the https form the demo crawls. Version 2 adds which articles were edited or are new and which image
was replaced; ``refused_images`` names the image the model answers 403 for (listed among its article's
images too, since the page references it).
"""

from __future__ import annotations

from typing import Any

from sitemodel.content import build_site
from sitemodel.model import HTTPS_ORIGIN


def build_manifest(
    articles: int = 40, version: int = 1, *, origin: str = HTTPS_ORIGIN, refused_image: bool = True
) -> dict[str, Any]:
    site = build_site(version, articles, refused_image=refused_image)
    listed = [
        {
            "url": origin + e.path,
            "images": [origin + src for src in e.image_paths],
            "modified": e.modified,
        }
        for e in site.entries
    ]
    manifest: dict[str, Any] = {
        "articles": listed,
        "removed": [origin + path for path in site.removed_paths],
        "refused_images": [origin + path for path in site.refused_images],
    }
    if version > 1:
        manifest["removed_status"] = {origin + path: status for path, status in site.removed.items()}
        manifest["edited"] = [origin + f"/show-case-{i}.html" for i in site.edited_ids]
        manifest["new"] = [origin + f"/show-case-{i}.html" for i in site.new_ids]
        manifest["replaced_images"] = [origin + path for path in site.replaced_images]
    return manifest
