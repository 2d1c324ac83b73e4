"""Rebuild the SQLite archive from WARC files alone, on every core, and the one ingest sequence.

Every record goes through the two halves of :func:`archive.db.ingest.ingest_record`, the function
the live crawl calls, so a rebuilt archive equals the live one: worker processes read, inflate,
check and extract records (:func:`~archive.db.ingest.prepare_record`, see
:mod:`archive.ingest_workers`), large files split into byte ranges so that the workers share them,
and this process only writes rows (:func:`~archive.db.ingest.store_prepared`) in file order, in
batched transactions. The rows are the same whatever the worker count.

Reading checks digests: a mismatch is kept in ``ingest_problems`` next to the ingested record.
Damage costs only the records inside it (reading resynchronizes after it) and is kept in
``warc_damage``; a page whose extraction runs over its time budget is stored with status ``timeout``.
Nothing stops the run, and a run that is killed keeps every batch it committed.

:func:`ingest_then_site_pass` is the sequence every writer of the archive ends with: ingest what
the database lacks, then the site-wide pass (:mod:`archive.db.site_pass`). A rebuild, the live
crawl's end and the catch-up before a crawl all call it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.db.bulk_indexes import restore_bulk_indexes, suspend_bulk_indexes
from archive.db.ingest import (
    BATCH_SIZE,
    FileOutcome,
    PreparedRecord,
    SkippedRecord,
    forget_damage,
    note_damage,
    note_file_damage,
    store_prepared,
)
from archive.db.revisits import refresh_schedule
from archive.db.schema import open_archive
from archive.db.search_index import defer_index_writes, stop_deferring_index_writes
from archive.db.site_pass import apply_site_repeats
from archive.ingest_workers import IngestBudget, IngestWorkers, JobDone, JobSpec, PageLost
from archive.warc.framing import Damage
from archive.warc.location import OPEN_SUFFIX
from archive.warc.reader import file_format, final_filename

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# A file is read by several workers, one byte range each: small enough that the workers finish
# together (when the last range is handed out, the others wait at most one range's work: a quarter
# megabyte is about eight compressed article pages, well under a second), large enough that the
# ranges' seams (a look for the first record, a message) cost nothing next to the records inside.
RANGE_BYTES = 256 * 1024
COMMIT_SECONDS = 2.0
# Exit status for a run that went through but found damage (documented in README.md): distinct from
# 1, an error (or a crash), and 2, a usage error, so cron can tell "look at the input" from "broken".
DAMAGE_EXIT_STATUS = 3

Progress = Callable[[int], None]


@dataclass
class RebuildReport:
    """What a rebuild did: one outcome per file plus totals read back from the database."""

    files: list[FileOutcome] = field(default_factory=list)
    captures: int = 0
    articles: int = 0
    seconds: float = 0.0
    workers: int = 0
    pages_lost: list[PageLost] = field(default_factory=list)
    """Pages stored without extraction: over the time budget (``timeout``) or their worker died."""
    site_repeats_changed: int = 0

    @property
    def records(self) -> int:
        return sum(outcome.records for outcome in self.files)

    @property
    def skipped(self) -> list[tuple[str, SkippedRecord]]:
        return [(outcome.filename, skip) for outcome in self.files for skip in outcome.skipped]

    @property
    def damage(self) -> list[Damage]:
        return [region for outcome in self.files for region in outcome.damage]

    @property
    def damage_found(self) -> bool:
        """Some input could not be (fully) read: a damaged region, a skipped record, a bad digest or
        an unreadable file. The rest was ingested; the exit status tells cron to look."""
        return any(o.read_error or o.skipped or o.problems or o.damage for o in self.files)

    @property
    def exit_status(self) -> int:
        """0, or :data:`DAMAGE_EXIT_STATUS` when damage was found."""
        return DAMAGE_EXIT_STATUS if self.damage_found else 0

    def skip_reasons(self) -> Counter[str]:
        """Skipped records, damaged regions and unreadable files, counted by reason."""
        reasons: Counter[str] = Counter(skip.reason for _, skip in self.skipped)
        for outcome in self.files:
            reasons.update(f"damaged region: {region.reason}" for region in outcome.damage)
            if outcome.read_error and not outcome.damage:
                reasons[f"file damaged: {outcome.read_error}"] += 1
        return reasons


def find_warc_files(paths: Iterable[Path | str]) -> list[Path]:
    """The files to rebuild from: files as given, directories searched recursively for WARC and ARC
    files (including ``.open`` files a crashed crawl left behind), sorted, each path once."""
    found: dict[Path, None] = {}
    for path in map(Path, paths):
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                name = candidate.name.removesuffix(OPEN_SUFFIX)
                if candidate.is_file() and name.endswith(WARC_SUFFIXES):
                    found.setdefault(candidate, None)
        else:
            found.setdefault(path, None)
    return list(found)


def default_workers() -> int:
    return os.cpu_count() or 1


def rebuild(
    paths: Iterable[Path | str],
    db_path: Path | str,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    budget: IngestBudget | None = None,
) -> RebuildReport:
    """Ingest every record of every WARC/ARC file under ``paths`` into the archive at ``db_path``,
    then run the site-wide pass.

    ``workers`` reading and extraction processes (default: one per CPU; 0 does everything in this
    process, with no time budget). ``progress`` is called with the number of file bytes read since
    its last call. ``budget`` bounds each page's extraction (default :class:`IngestBudget`). Never
    raises for a bad file: each gets its outcome in the report (``report.exit_status``).
    """
    started = time.monotonic()
    files = find_warc_files(paths)
    workers = default_workers() if workers is None else workers
    report = RebuildReport(workers=workers)
    db = open_archive(db_path)
    try:
        suspended = suspend_bulk_indexes(db)
        try:
            run = ingest_then_site_pass(
                db, [(path, 0) for path in files], workers=workers, budget=budget, progress=progress
            )
        except BaseException:
            if suspended:  # best effort: the next writable open builds them otherwise
                with contextlib.suppress(sqlite3.Error):
                    restore_bulk_indexes(db)
            raise
        if suspended:
            restore_bulk_indexes(db)
        report.files, report.pages_lost = run.files, run.pages_lost
        report.site_repeats_changed = run.site_repeats_changed
        report.captures = db.execute("SELECT count(*) FROM captures").fetchone()[0]
        report.articles = db.execute("SELECT count(*) FROM articles WHERE status = 'ok'").fetchone()[0]
    finally:
        db.close()
    report.seconds = time.monotonic() - started
    return report


@dataclass
class IngestRun:
    """What :func:`ingest_then_site_pass` did."""

    files: list[FileOutcome] = field(default_factory=list)
    pages_lost: list[PageLost] = field(default_factory=list)
    site_repeats_changed: int = 0


def ingest_then_site_pass(
    db: Database,
    files: Iterable[tuple[Path, int]],
    *,
    workers: int | None = None,
    budget: IngestBudget | None = None,
    progress: Progress | None = None,
    site_pass: bool = True,
) -> IngestRun:
    """Ingest each ``(file, start offset)`` (a record boundary: what the database already holds is
    not read again), then run the site-wide pass over the whole archive (unless ``site_pass`` is
    false). The one sequence that ends every way of filling an archive, so they agree.
    """
    run = IngestRun()
    run.files, run.pages_lost = ingest_files(
        db, files, workers=default_workers() if workers is None else workers, budget=budget, progress=progress
    )
    if site_pass:
        run.site_repeats_changed = apply_site_repeats(db)
        refresh_schedule(db)  # the revisit schedule is derived from the captures too
    return run


def plan_jobs(path: Path, start: int = 0) -> list[JobSpec]:
    """The byte ranges a file is read in: gzip WARC files larger than :data:`RANGE_BYTES` are split
    (each range but the first resynchronizes to its first record); other files are read whole."""
    size = path.stat().st_size
    filename = final_filename(path)
    if file_format(path) != "warc.gz" or size - start <= RANGE_BYTES:
        return [JobSpec(0, str(path), filename, start=start)]
    bounds = list(range(start, size, RANGE_BYTES))
    return [
        JobSpec(
            0,
            str(path),
            filename,
            start=low,
            stop=bounds[i + 1] if i + 1 < len(bounds) else None,
            resync=i > 0,
        )
        for i, low in enumerate(bounds)
    ]


def ingest_files(
    db: Database,
    files: Iterable[tuple[Path, int]],
    *,
    workers: int,
    budget: IngestBudget | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> tuple[list[FileOutcome], list[PageLost]]:
    """Read ``(file, start offset)`` pairs with ``workers`` processes and store every record in file
    order, committing every ``batch_size`` records (or :data:`COMMIT_SECONDS`): a run that is
    killed keeps every batch it committed. Jobs are planned as the workers need them, so memory
    does not grow with the input. Two files of the same name are refused (rows are keyed by file
    name and offset)."""
    files = [(Path(path), start) for path, start in files]
    run = _FileRun(db, progress)
    batch = _Batch(db, batch_size)
    with IngestWorkers(workers if files else 0, budget) as pool:
        try:
            planned = run.plan(files)
            target = max(1, workers) * 4
            while True:
                while pool.pending < target and (spec := next(planned, None)) is not None:
                    pool.submit(spec)
                if pool.pending == 0:
                    break
                for event in pool.next_events():
                    if run.handle(event):
                        batch.count()
            batch.finish()
        except BaseException:
            db.conn.rollback()
            raise
    if progress is not None:
        for path, _start in files:
            rest = _size(path) - run.done_bytes.get(final_filename(path), 0)
            if rest > 0:
                progress(rest)
    return run.outcomes, run.lost


class _FileRun:
    """Per-file bookkeeping of :func:`ingest_files`: outcomes, damage, progress."""

    def __init__(self, db: Database, progress: Progress | None) -> None:
        self.db, self.progress = db, progress
        self.outcomes: list[FileOutcome] = []
        self.by_name: dict[str, FileOutcome] = {}
        self.done_bytes: dict[str, int] = {}
        self.lost: list[PageLost] = []

    def plan(self, files: list[tuple[Path, int]]) -> Iterator[JobSpec]:
        for path, start in files:
            outcome = FileOutcome(filename=final_filename(path))
            self.outcomes.append(outcome)
            if outcome.filename in self.by_name:
                outcome.read_error = "not read: another file of the same name is in the rebuild"
                outcome.read_error_offset = 0
                continue
            self.by_name[outcome.filename] = outcome
            self.done_bytes[outcome.filename] = start
            try:
                jobs = plan_jobs(path, start)
            except OSError as exc:
                note_file_damage(self.db, outcome, start, f"{type(exc).__name__}: {exc}")
                continue
            forget_damage(self.db, outcome.filename, start)
            yield from jobs

    def handle(self, event: PreparedRecord | Damage | JobDone | PageLost) -> bool:
        """Store one event; True when it was a record or a damaged region (it counts in a batch)."""
        if isinstance(event, PageLost):
            self.lost.append(event)
            return False
        if isinstance(event, JobDone):
            if event.failure:
                note_file_damage(self.db, self.by_name[event.spec.filename], event.spec.start, event.failure)
            return False
        outcome = self.by_name[_filename(event)]
        if isinstance(event, Damage):
            note_damage(self.db, outcome, event)
            end = event.end
        else:
            outcome.add(event.location, store_prepared(self.db, event))
            end = event.location.offset + event.location.length
        if self.progress is not None and end > self.done_bytes[outcome.filename]:
            self.progress(end - self.done_bytes[outcome.filename])
            self.done_bytes[outcome.filename] = end
        return True


def _filename(item: PreparedRecord | Damage) -> str:
    return item.filename if isinstance(item, Damage) else item.location.filename


class _Batch:
    """Commit every ``size`` records or every :data:`COMMIT_SECONDS`, whichever comes first."""

    def __init__(self, db: Database, size: int) -> None:
        self.db, self.size = db, size
        if db.conn.in_transaction:
            db.conn.commit()
        self._begin()

    def _begin(self) -> None:
        self.db.execute("BEGIN")
        defer_index_writes(self.db)  # the batch's search entries go in together, before its commit
        self.records, self.since = 0, time.monotonic()

    def count(self) -> None:
        self.records += 1
        if self.records >= self.size or time.monotonic() - self.since > COMMIT_SECONDS:
            self.finish()
            self._begin()

    def finish(self) -> None:
        stop_deferring_index_writes(self.db)
        self.db.execute("COMMIT")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
