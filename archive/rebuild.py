"""Rebuild the SQLite archive from WARC files alone.

Every record goes through :func:`archive.db.ingest.ingest_record`, the function the live crawl
calls, so a rebuilt archive equals the live one. What a rebuild adds is speed: extraction (the
expensive part) runs in worker processes while the main process reads records in file order and
writes rows in batched transactions. A worker gets exactly the inputs ingest would pass to the
extractor (:func:`archive.db.ingest.extraction_inputs`) and its result is handed back to
``ingest_record`` in place of the extractor, so the rows are the same whatever the worker count.

Reading checks digests: a mismatch is kept in ``ingest_problems`` next to the ingested record.
A damaged or unreadable file keeps every record before the damage and never stops the run.
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database
from warcio.recordloader import ArcWarcRecord

from archive.db.ingest import (
    BATCH_SIZE,
    ExtractionInputs,
    FileOutcome,
    SkippedRecord,
    extraction_inputs,
    ingest_record,
    note_file_damage,
)
from archive.db.record_rows import capture_row, is_html_capture
from archive.db.revisits import refresh_schedule
from archive.db.schema import open_archive
from archive.db.site_pass import apply_site_repeats
from archive.extract.result import Extraction
from archive.warc.reader import WarcReadError, final_filename, iter_records
from archive.warc.writer import OPEN_SUFFIX, RecordLocation

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# Records read ahead of the writer per worker: enough to keep the workers busy, few enough that
# the spooled record contents waiting in memory stay small.
READ_AHEAD_PER_WORKER = 16

Progress = Callable[[int], None]


@dataclass
class RebuildReport:
    """What a rebuild did: one outcome per file plus totals read back from the database."""

    files: list[FileOutcome] = field(default_factory=list)
    captures: int = 0
    articles: int = 0
    seconds: float = 0.0
    workers: int = 0

    @property
    def records(self) -> int:
        return sum(outcome.records for outcome in self.files)

    @property
    def skipped(self) -> list[tuple[str, SkippedRecord]]:
        return [(outcome.filename, skip) for outcome in self.files for skip in outcome.skipped]

    def skip_reasons(self) -> Counter[str]:
        """Skipped records and unreadable file tails, counted by reason."""
        reasons: Counter[str] = Counter(skip.reason for _, skip in self.skipped)
        reasons.update(f"file damaged: {o.read_error}" for o in self.files if o.read_error)
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


def rebuild(
    paths: Iterable[Path | str],
    db_path: Path | str,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> RebuildReport:
    """Ingest every record of every WARC/ARC file under ``paths`` into the archive at ``db_path``.

    ``workers`` extraction processes (default: one per CPU; 0 extracts in this process).
    ``progress`` is called with the number of file bytes read since its last call. Never raises
    for a bad file: each gets its outcome in the report.
    """
    started = time.monotonic()
    files = find_warc_files(paths)
    workers = (os.cpu_count() or 1) if workers is None else workers
    # The pool is started before the database is opened: workers never inherit the connection.
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 0 else None
    report = RebuildReport(workers=workers)
    db = open_archive(db_path)
    try:
        seen_names: dict[str, Path] = {}
        for path in files:
            name = final_filename(path)
            if name in seen_names:
                # Rows are keyed by file name and offset: a second file of the same name would
                # overwrite the first one's rows.
                outcome = FileOutcome(filename=name)
                outcome.read_error = f"not read: {seen_names[name]} has the same file name"
                outcome.read_error_offset = 0
                report.files.append(outcome)
                continue
            seen_names[name] = path
            report.files.append(_ingest_file(db, path, pool, workers, progress))
        apply_site_repeats(db)
        refresh_schedule(db)  # derived from the captures, as live ingest leaves it
        report.captures = db.execute("SELECT count(*) FROM captures").fetchone()[0]
        report.articles = db.execute("SELECT count(*) FROM articles WHERE status = 'ok'").fetchone()[0]
    finally:
        db.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    report.seconds = time.monotonic() - started
    return report


def _extract_in_worker(inputs: ExtractionInputs) -> Extraction:
    from archive.extract import extract_page

    return extract_page(
        inputs.payload, inputs.url, content_type=inputs.content_type, capture_date=inputs.capture_date
    )


def _submit(pool: Executor | None, location: RecordLocation, record: ArcWarcRecord) -> Future | None:
    """Start extracting a record in a worker if ingest will extract it; None leaves the work to
    ingest itself (not HTML, an undecodable body, or no pool)."""
    if pool is None or record.rec_type not in ("response", "resource"):
        return None
    try:
        row = capture_row(location, record)
        if not is_html_capture(row):
            return None
        return pool.submit(_extract_in_worker, extraction_inputs(record, row))
    except Exception:  # an undecodable body or a broken pool: ingest meets it and records it
        return None


def _precomputed(future: Future | None) -> Callable[..., Extraction] | None:
    """The extractor to give ingest: the worker's result, or None (ingest extracts in-process)
    when there was no worker job or the worker failed."""
    if future is None:
        return None
    try:
        extraction = future.result()
    except Exception:  # a dead worker must not lose the page: extract it here instead
        return None
    return lambda *_args, **_kwargs: extraction


def _ingest_file(
    db: Database, path: Path, pool: Executor | None, workers: int, progress: Progress | None
) -> FileOutcome:
    outcome = FileOutcome(filename=final_filename(path))
    window = max(1, workers) * READ_AHEAD_PER_WORKER
    pending: deque[tuple[RecordLocation, ArcWarcRecord, Future | None]] = deque()
    done_bytes = 0

    def write_oldest() -> None:
        nonlocal done_bytes
        location, record, future = pending.popleft()
        outcome.add(location, ingest_record(db, location, record, extractor=_precomputed(future)))
        if progress is not None:
            end = location.offset + location.length
            progress(max(0, end - done_bytes))
            done_bytes = max(done_bytes, end)

    in_batch = 0
    db.execute("BEGIN")
    try:
        for location, record in _records(path, outcome, db):
            pending.append((location, record, _submit(pool, location, record)))
            while len(pending) > window:
                write_oldest()
                in_batch += 1
            if in_batch >= BATCH_SIZE:
                db.execute("COMMIT")
                db.execute("BEGIN")
                in_batch = 0
        while pending:
            write_oldest()
        db.execute("COMMIT")
    except BaseException:
        db.conn.rollback()
        raise
    if progress is not None:
        progress(max(0, _size(path) - done_bytes))
    return outcome


def _records(
    path: Path, outcome: FileOutcome, db: Database
) -> Iterator[tuple[RecordLocation, ArcWarcRecord]]:
    """The file's complete records; damage or an unreadable file is noted in ``outcome`` and in
    ``ingest_problems`` after everything before it has been yielded."""
    resume_at = 0
    try:
        for location, record in iter_records(path, check_digests=True):
            resume_at = location.offset + location.length
            yield location, record
    except WarcReadError as exc:
        note_file_damage(db, outcome, exc.offset, exc.reason)
    except OSError as exc:
        note_file_damage(db, outcome, resume_at, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # warcio trips over some malformed headers: damage, not a crash
        note_file_damage(db, outcome, resume_at, f"unreadable record: {type(exc).__name__}: {exc}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
