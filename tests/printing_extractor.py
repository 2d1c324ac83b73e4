"""A page extractor that writes a line to its process's standard output for every page (block-buffered
when that output is a pipe), for the test that a worker leaving at once still hands over its output."""

from __future__ import annotations

from typing import Any

from archive.extract import extract_page
from archive.extract.result import Extraction

MARK = "extracted-by-worker"


def extract(body: bytes, url: str, **kwargs: Any) -> Extraction:
    print(MARK, url)  # no flush: the line waits in the buffer until the worker ends
    return extract_page(body, url, **kwargs)
