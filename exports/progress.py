"""A progress bar on stderr for a long export, and no cost when there is none to show.

tqdm takes a tenth of a second to import: an export whose stderr is not a terminal (a script, a cron
job, a pipe) iterates its items directly and never loads it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def with_progress(items: Iterable[T], *, desc: str, unit: str, show: bool) -> Iterator[T]:
    """``items``, drawing a tqdm bar on stderr as they are consumed when ``show`` is true."""
    if not show:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, file=sys.stderr)
