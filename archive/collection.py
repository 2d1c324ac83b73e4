"""A collection folder: its WARC files, its database, and the lock that keeps one crawl in it at a time.

Before a crawl starts, the collection is brought to a consistent state: WARC files a killed crawl left
open are recovered (a partial last record cut off), and any record on disk that never reached the
database is ingested. The WARC files are the truth; the database catches up with them.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from archive.warc.framing import Damage


class CollectionLockedError(RuntimeError):
    """Another crawl is writing into this collection."""


@dataclass
class CollectionLock:
    """An exclusive, non-blocking flock on `<collection>/.lock`; the kernel frees it if the crawl dies."""

    collection: Path
    _handle: IO[str] | None = field(default=None, repr=False)

    def acquire(self) -> None:
        self.collection.mkdir(parents=True, exist_ok=True)
        path = self.collection / ".lock"
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise CollectionLockedError(
                f"collection {self.collection} is in use by {holder}; wait for that crawl to end"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> CollectionLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def warc_directory(collection: Path) -> Path:
    return collection / "archive"


def database_path(collection: Path) -> Path:
    return collection / "archive.db"


@dataclass(frozen=True)
class PreparedCollection:
    """What had to be mended before a crawl could start."""

    recovered_files: tuple[str, ...]
    refetch_urls: tuple[str, ...]
    caught_up_files: tuple[str, ...]
    site_repeats_changed: int = 0
    """Pages the site-wide repeated-lines pass rewrote after the catch-up."""
    damage: tuple[Damage, ...] = ()
    """Damaged stretches found in the files caught up (each costs only the records inside it)."""

    @property
    def damage_found(self) -> bool:
        return bool(self.damage)


def _ingested_end(db, filename: str) -> int:
    row = db.execute(
        "select coalesce(max(warc_offset + warc_length), 0) from warc_records where warc_filename = ?",
        [filename],
    ).fetchone()
    return int(row[0])


def prepare_collection(collection: Path) -> PreparedCollection:
    """Recover WARC files left open by a killed crawl, ingest any record the database lacks, and then (if
    either happened) run the site-wide repeated-lines pass the killed crawl did not reach, so the database
    equals a rebuild of the WARC files."""
    from archive.db.schema import open_archive
    from archive.rebuild import ingest_then_site_pass
    from archive.warc.recovery import recover_open_files

    warc_dir = warc_directory(collection)
    if not warc_dir.exists():
        return PreparedCollection((), (), ())
    outcomes = recover_open_files(warc_dir)
    recovered = tuple(outcome.open_path.name for outcome in outcomes)
    refetch = tuple(uri for outcome in outcomes for uri in outcome.cut_target_uris)
    db = open_archive(database_path(collection))
    try:
        behind = [
            path
            for path in sorted(warc_dir.glob("*.warc.gz"))
            if _ingested_end(db, path.name) < path.stat().st_size
        ]
        # Only after a crash is there anything to redo; a normal start leaves the pass to the crawl's end.
        run = ingest_then_site_pass(
            db, [(path, 0) for path in behind], workers=1, site_pass=bool(recovered or behind)
        )
    finally:
        db.close()
    damage = tuple(region for outcome in run.files for region in outcome.damage)
    caught_up = tuple(path.name for path in behind)
    return PreparedCollection(recovered, refetch, caught_up, run.site_repeats_changed, damage)
