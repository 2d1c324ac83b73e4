"""The one options object passed through extraction and recorded next to its output."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ExtractOptions:
    """Switches for one extraction run.

    Frozen so that a run cannot change its own settings halfway; ``to_dict`` is stored with every
    Extraction so an archivist can tell which settings produced a row.
    """

    profile: str = "auto"  # "auto" (pick by host), "generic" (no site profile) or a profile name
    include_links: bool = True
    include_images: bool = True
    include_tables: bool = True
    favor_precision: bool = False
    favor_recall: bool = False
    min_body_chars: int = 20  # below this the page is reported as "not-article"
    # The size budget. Above either limit a page is not parsed at all: it is stored with status
    # "too-large" (its WARC record stays, and a rebuild with a larger budget extracts it). The tag
    # count is estimated as the number of "<" in the bytes, so the check costs one pass over them.
    # The largest of the labelled evaluation pages has 1.5 MB and 15,000 tags.
    max_html_bytes: int = 6_000_000
    max_html_tags: int = 250_000
    # Above this many tags trafilatura runs without its fallbacks (justext, readability), whose cost
    # grows faster than the page (a 10,000-row table takes a minute inside justext).
    fallback_max_tags: int = 20_000

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
