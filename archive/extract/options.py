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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
