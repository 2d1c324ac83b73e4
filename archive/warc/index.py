"""A CDXJ index of a set of WARC files, and lookups in it: which record holds a URL's latest capture.

The index is written by cdxj-indexer (the format pywb reads), sorted, with each file named relative to the
index's own folder, so the pair (index, WARC files) can move together. Lookups use the same SURT keys as
cdxj-indexer, so a URL matches whatever its query-parameter order or percent-escape case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import surt
from cdxj_indexer.main import CDXJIndexer

REPLAY_RECORD_TYPES = "response,revisit"
REVISIT_MIME = "warc/revisit"


@dataclass(frozen=True)
class Capture:
    """One indexed record: where it is and what the index says about it."""

    url: str
    timestamp: str  # 14 digits, UTC
    status: int | None
    mime: str | None
    digest: str | None
    filename: str  # relative to the index's folder (or absolute)
    offset: int
    length: int

    @property
    def is_revisit(self) -> bool:
        return self.mime == REVISIT_MIME


def url_key(url: str) -> str:
    """The SURT key cdxj-indexer files ``url`` under."""
    return surt.surt(url)


def build_cdxj_index(warc_paths: Iterable[Path], output: Path, *, records: str = REPLAY_RECORD_TYPES) -> Path:
    """Index ``warc_paths`` into ``output`` (sorted CDXJ). ``records`` lists the WARC-Types to index
    (comma-separated, cdxj-indexer's option; "all" for every record)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    inputs = [str(Path(path).resolve()) for path in warc_paths]
    with output.open("w", encoding="utf-8") as fh:
        CDXJIndexer(
            fh, inputs, sort=True, records=records, dir_root=str(output.parent.resolve())
        ).process_all()
    return output


def _capture(line: str) -> tuple[str, Capture]:
    key, timestamp, block = line.rstrip("\n").split(" ", 2)
    entry = json.loads(block)
    status = entry.get("status")
    capture = Capture(
        url=entry["url"],
        timestamp=timestamp,
        status=int(status) if status and status.isdigit() else None,
        mime=entry.get("mime"),
        digest=entry.get("digest"),
        filename=entry["filename"],
        offset=int(entry["offset"]),
        length=int(entry["length"]),
    )
    return key, capture


class CdxjIndex:
    """An index loaded in memory (a site-sized collection has thousands of lines, not millions)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.base = self.path.parent
        self._by_key: dict[str, list[Capture]] = {}
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip() or line.startswith("!"):
                    continue
                key, capture = _capture(line)
                self._by_key.setdefault(key, []).append(capture)
        for captures in self._by_key.values():
            captures.sort(key=lambda c: (c.timestamp, c.filename, c.offset))

    def __len__(self) -> int:
        return sum(len(captures) for captures in self._by_key.values())

    def captures(self, url: str) -> list[Capture]:
        """Every capture of ``url``, oldest first (file order breaks ties within one second)."""
        return list(self._by_key.get(url_key(url), ()))

    def latest(self, url: str) -> Capture | None:
        found = self._by_key.get(url_key(url))
        return found[-1] if found else None

    def original_of(self, url: str, timestamp: str, digest: str | None) -> Capture | None:
        """The non-revisit capture a revisit points at: same URL, at ``timestamp`` if there is one with
        the same digest, else the latest earlier one with that digest."""
        candidates = [c for c in self.captures(url) if not c.is_revisit and c.timestamp <= timestamp]
        if digest:
            candidates = [c for c in candidates if c.digest == digest.split(":", 1)[-1]] or [
                c for c in candidates if c.digest == digest
            ]
        exact = [c for c in candidates if c.timestamp == timestamp]
        return (exact or candidates or [None])[-1]

    def path_of(self, capture: Capture) -> Path:
        return self.base / capture.filename
