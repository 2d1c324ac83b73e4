"""Extraction: HTML bytes to clean text and metadata (trafilatura plus Chinese rules and site profiles).

The extractor is imported on first use: the process that only writes the archive (a rebuild's main
process, the crawl's) reads :mod:`.result` and never extracts, and importing trafilatura and compiling
the rules' patterns costs it a third of a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .options import ExtractOptions
from .result import BoilerplateBlock, Extraction, ImageRef, LinkRef

if TYPE_CHECKING:
    from .extractor import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_page

_FROM_EXTRACTOR = frozenset({"EXTRACTOR_NAME", "EXTRACTOR_VERSION", "extract_page"})


def __getattr__(name: str) -> Any:
    if name in _FROM_EXTRACTOR:
        from . import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "BoilerplateBlock",
    "ExtractOptions",
    "Extraction",
    "ImageRef",
    "LinkRef",
    "extract_page",
]
