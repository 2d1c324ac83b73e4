"""Extraction: HTML bytes to clean text and metadata (trafilatura plus Chinese rules and site profiles)."""

from .extractor import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_page
from .options import ExtractOptions
from .result import BoilerplateBlock, Extraction, ImageRef, LinkRef

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
