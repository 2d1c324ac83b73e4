"""A page extractor for the tests of the time budget: the real one, except on pages chosen to stall or
to kill the process extracting them (as a pathological page inside lxml would)."""

from __future__ import annotations

import os
import time
from typing import Any

from archive.extract import extract_page
from archive.extract.result import Extraction

STALL_MARK = b"<!-- stall-extraction -->"
CRASH_MARK = b"<!-- crash-extraction -->"
STALL_URLS_VARIABLE = "MINZU_TEST_STALL_URLS"  # whitespace-separated URLs that stall as well
STALL_SECONDS = 120  # far beyond any budget the tests set: a page that comes back "ok" was not cut off


def extract(body: bytes, url: str, **kwargs: Any) -> Extraction:
    if STALL_MARK in body or url in os.environ.get(STALL_URLS_VARIABLE, "").split():
        time.sleep(STALL_SECONDS)
    if CRASH_MARK in body:
        os._exit(70)
    return extract_page(body, url, **kwargs)
