"""Garbage collection set for batch work: collections rare, and never over what the imports built.

CPython collects its youngest generation every 700 net allocations of container objects. Extracting one
page allocates hundreds of thousands of them (lxml's element proxies, lines, tokens, rows) and reference
counting frees nearly all at once, so most of those collections find nothing to free while each walks
the young objects; every tenth of them also walks the older ones, and now and then everything the
imports built (tens of thousands of functions, classes and compiled patterns). The rare cycles a page
leaves (an exception's traceback) are still freed, by the next young collection: within about one
page's allocations. In a two-worker rebuild of the 396 foreign pages this took about 3 % off the
workers' CPU, with the same peak memory (docs/benchmarks.md).
"""

from __future__ import annotations

import gc

BATCH_THRESHOLDS = (50_000, 20, 100)


def settle_for_batch_work() -> None:
    """For a process that does nothing but batch work from now on (an ingest worker, once its imports
    are done): what exists now lives as long as the process, so it is set aside where collections never
    walk it (``gc.freeze``), and collections become rarer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*BATCH_THRESHOLDS)
