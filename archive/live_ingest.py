"""A crawl's records into the archive while it runs, off the crawl's own process.

The crawl writes each record to its WARC file and hands the location here. A worker process reads
the record back from disk and prepares its rows (extraction included, on the clock of
:class:`~archive.ingest_workers.IngestBudget`), exactly as a rebuild does; this object stores the
results in the order the records were written and commits in batches. So the crawl never waits for
extraction, a pathological page costs its budget and no more, and the live database equals a
rebuilt one. A crawl killed between two commits loses rows, never records: the catch-up before the
next crawl ingests what the database lacks (:func:`archive.collection.prepare_collection`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from archive.db.ingest import BATCH_SIZE, IngestOutcome, store_prepared
from archive.db.search_index import defer_index_writes, stop_deferring_index_writes
from archive.ingest_workers import IngestBudget, IngestWorkers, JobDone, JobSpec, PageLost
from archive.warc.framing import Damage
from archive.warc.location import RecordLocation

COMMIT_SECONDS = 1.0


class LiveIngest:
    """Ingest records as they are written. ``workers=0`` prepares them in this process (no clock)."""

    def __init__(
        self,
        db: Database,
        warc_dir: Path,
        *,
        workers: int = 1,
        budget: IngestBudget | None = None,
        batch_size: int = BATCH_SIZE,
        commit_seconds: float = COMMIT_SECONDS,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.before_commit = before_commit
        self.warc_dir = Path(warc_dir)
        self.batch_size = batch_size
        self.commit_seconds = commit_seconds
        self.actions: Counter[str] = Counter()
        self.article_statuses: Counter[str] = Counter()
        self.failures: list[str] = []
        """Records or files that could not be read back (the WARC files are safe; a catch-up or a
        rebuild ingests them)."""
        self.pages_lost: list[PageLost] = []
        self._pool = IngestWorkers(workers, budget)
        self._uncommitted = 0
        self._since = time.monotonic()
        self._queued: list[RecordLocation] = []

    def submit(self, locations: list[RecordLocation]) -> None:
        """Queue records just written (in file order) for ingest. They go to a worker as one job per
        file whenever it has finished the last one, so a busy worker gets fewer, larger jobs."""
        self._queued.extend(locations)
        if self._pool.pending == 0:
            self._hand_out()

    def _hand_out(self) -> None:
        by_file: dict[str, list[int]] = {}
        for location in self._queued:
            by_file.setdefault(location.filename, []).append(location.offset)
        self._queued = []
        for filename, offsets in by_file.items():
            self._pool.submit(
                JobSpec(
                    0,
                    "",
                    filename,
                    offsets=tuple(offsets),
                    directory=str(self.warc_dir),
                    check_digests=False,  # what the crawl has just written: its digests are its own
                )
            )

    def poll(self) -> list[IngestOutcome]:
        """Store whatever the workers have finished; commit if a batch is full or due."""
        return self._store(block=False)

    def flush(self) -> list[IngestOutcome]:
        """Wait for every queued record, store and commit them; the workers stay for more."""
        return self._store(block=True)

    def close(self) -> list[IngestOutcome]:
        """Wait for every queued record, store and commit them, and stop the workers."""
        try:
            return self._store(block=True)
        finally:
            self._pool.close()

    @property
    def pending(self) -> int:
        """Jobs handed to the workers and not yet stored, plus records still queued for one."""
        return self._pool.pending + bool(self._queued)

    def _store(self, *, block: bool) -> list[IngestOutcome]:
        outcomes: list[IngestOutcome] = []
        if self._queued and (block or self._pool.pending == 0):
            self._hand_out()
        for event in self._pool.events(block=block):
            if isinstance(event, PageLost):
                self.pages_lost.append(event)
            elif isinstance(event, JobDone):
                if event.failure:
                    self.failures.append(f"{event.spec.filename}: {event.failure}")
            elif isinstance(event, Damage):
                self.failures.append(f"{event.filename} offset {event.start}: {event.reason}")
            else:
                if not self.db.conn.in_transaction:
                    self.db.execute("BEGIN")  # one transaction per batch, not per record
                    defer_index_writes(self.db)  # and the batch's search entries in one go
                outcome = store_prepared(self.db, event)
                outcomes.append(outcome)
                self.actions[outcome.action] += 1
                if outcome.article_status:
                    self.article_statuses[outcome.article_status] += 1
                self._uncommitted += 1
        due = time.monotonic() - self._since > self.commit_seconds
        if self._uncommitted and (block or due or self._uncommitted >= self.batch_size):
            if self.before_commit is not None:
                self.before_commit()
            stop_deferring_index_writes(self.db)
            self.db.execute("COMMIT")
            self._uncommitted = 0
            self._since = time.monotonic()
        return outcomes
