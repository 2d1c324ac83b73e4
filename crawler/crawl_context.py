"""What a crawl records about itself in each WARC file's warcinfo record.

A rebuild years later must know how every row was made: which spider, from which seeds, with which
settings, extraction options and software versions. That belongs in the WARC files, not only in SQLite.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from typing import Any

import archive
from archive.sites import DEFAULT_SITE, SiteDefinition

RUN_URI_PREFIX = "urn:minzu-archive:run:"
_VERSIONED_PACKAGES = ("scrapy", "warcio", "trafilatura", "htmldate", "sqlite-utils", "lxml")


def software_versions() -> dict[str, str]:
    """Versions of the packages that shape the WARC files and the extracted rows."""
    versions = {"minzu-archive": archive.__version__, "python": platform.python_version()}
    for name in _VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def run_stats_uri(run_id: str) -> str:
    """Target URI of the metadata record that closes a run with its statistics."""
    return f"{RUN_URI_PREFIX}{run_id}"


def crawl_warcinfo_fields(
    *,
    run_id: str,
    spider: str,
    seeds: list[str],
    settings: dict[str, Any],
    collection: str,
    extraction_options: dict[str, Any] | None = None,
    site: SiteDefinition | None = None,
) -> dict[str, str]:
    """warcinfo fields (application/warc-fields); structured values are JSON."""
    if extraction_options is None:
        from archive.extract import ExtractOptions

        extraction_options = ExtractOptions().to_dict()
    versions = software_versions()
    site = site or DEFAULT_SITE
    return {
        "software": " ".join(f"{name}/{version}" for name, version in versions.items()),
        "run-id": run_id,
        "isPartOf": collection,
        "spider": spider,
        "site": site.name,
        "seeds": json.dumps(seeds, ensure_ascii=False),
        "settings": json.dumps(settings, ensure_ascii=False, sort_keys=True),
        "extraction-options": json.dumps(extraction_options, ensure_ascii=False, sort_keys=True),
        "software-versions": json.dumps(versions, sort_keys=True),
        "description": site.archive_description,
    }
