"""The one path from a WARC record to database rows.

:func:`ingest_record` is two halves: :func:`prepare_record` takes everything from the record without
the database (rows, digests, extraction, the search index's text), so a worker process can do it, and
:func:`store_prepared` writes the result. A live crawl and a rebuild both run the first half in worker
processes (:mod:`archive.ingest_workers`) and the second where the database is, in file order;
:func:`ingest_warc_file` does both in one process. Every write is an upsert on a natural key taken
from the record, and rows that link records to each other (response -> request, capture -> crawl run)
are filled in from whichever side arrives second, so ingesting twice, or in another order, yields the
same rows.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warcio.recordloader import ArcWarcRecord

from archive.db.article_rows import write_extraction
from archive.db.record_rows import (
    RUN_STATS_URI_PREFIX,
    canonical_json,
    capture_row,
    first,
    is_html_capture,
    json_field,
    parse_warc_fields,
    request_row,
    seeds_field,
    target_uri,
    warc_header,
    warc_record_row,
)
from archive.db.search import search_shadows
from archive.db.upsert import greatest, least, upsert
from archive.extract.result import Extraction
from archive.warc.framing import Damage
from archive.warc.location import RecordLocation
from archive.warc.reader import final_filename, record_http_payload, scan_records

if TYPE_CHECKING:
    from sqlite_utils import Database

PageExtractor = Callable[..., Extraction]
BATCH_SIZE = 200


@dataclass(frozen=True)
class IngestOutcome:
    """What one record became. ``action`` is one of: ``run`` (warcinfo), ``request``, ``capture``,
    ``article`` (a capture whose page was extracted), ``run-stats``, ``indexed`` (kept in the record
    index only), ``duplicate`` (another copy of the same record gives the rows) or ``skipped``
    (``detail`` says why)."""

    record_type: str
    record_id: str | None
    url: str | None
    action: str
    article_status: str | None = None
    detail: str | None = None
    problem: str | None = None  # set when the record was ingested but is flawed (a digest mismatch)


@dataclass(frozen=True)
class SkippedRecord:
    offset: int
    record_id: str | None
    reason: str


@dataclass
class FileOutcome:
    """Ingest statistics for one WARC file. ``damage`` lists the stretches that gave no record (the
    records around them are ingested all the same); ``read_error`` and ``read_error_offset`` name the
    first of them, or a file that could not be read at all."""

    filename: str
    records: int = 0
    ingested: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    article_statuses: Counter[str] = field(default_factory=Counter)
    skipped: list[SkippedRecord] = field(default_factory=list)
    problems: list[SkippedRecord] = field(default_factory=list)
    """Records ingested all the same but flagged in ``ingest_problems`` (bad digests)."""
    damage: list[Damage] = field(default_factory=list)
    read_error: str | None = None
    read_error_offset: int | None = None

    @property
    def ok(self) -> bool:
        return self.read_error is None and not self.skipped

    @property
    def damaged_bytes(self) -> int:
        return sum(region.length for region in self.damage)

    def add(self, location: RecordLocation, outcome: IngestOutcome) -> None:
        self.records += 1
        self.actions[outcome.action] += 1
        if outcome.action == "skipped":
            self.skipped.append(SkippedRecord(location.offset, outcome.record_id, outcome.detail or ""))
            return
        self.ingested += 1
        if outcome.problem:
            self.problems.append(SkippedRecord(location.offset, outcome.record_id, outcome.problem))
        if outcome.article_status:
            self.article_statuses[outcome.article_status] += 1

    def add_damage(self, region: Damage) -> None:
        self.damage.append(region)
        if self.read_error is None:
            self.read_error = region.reason
            self.read_error_offset = region.start


@dataclass
class PreparedRecord:
    """Everything ingest takes from one record, computed without the database: the part a worker
    process can do (reading, digests, rows, extraction, the search index's text). ``store_prepared``
    writes it. ``action`` is the :class:`IngestOutcome` action it will become (``skipped`` with
    ``detail`` when the record cannot be turned into rows)."""

    location: RecordLocation
    record_type: str
    record_id: str | None
    url: str | None
    index_row: dict[str, Any]
    action: str
    problem: str | None = None
    row: dict[str, Any] | None = None
    extraction: Extraction | None = None
    search_shadows: tuple[str, str] | None = None
    detail: str | None = None


def ingest_record(
    db: Database,
    location: RecordLocation,
    record: ArcWarcRecord,
    *,
    extractor: PageExtractor | None = None,
) -> IngestOutcome:
    """Write the rows one record stands for; never raises for a malformed record.

    ``extractor`` defaults to :func:`archive.extract.extract_page`. A record that cannot be turned
    into rows keeps its entry in ``warc_records`` and gets one in ``ingest_problems``. The same as
    :func:`store_prepared` of :func:`prepare_record`, which a rebuild runs in two processes.
    """
    return store_prepared(db, prepare_record(location, record, extractor=extractor))


def prepare_record(
    location: RecordLocation, record: ArcWarcRecord, *, extractor: PageExtractor | None = None
) -> PreparedRecord:
    """The database-free half of ingest. Never raises: a record that cannot be read into rows comes
    back as ``skipped`` with the reason."""
    record_type = record.rec_type or ""
    record_id = warc_header(record, "WARC-Record-ID")
    prepared = PreparedRecord(
        location=location,
        record_type=record_type,
        record_id=record_id,
        url=None,
        index_row={},
        action="skipped",
    )
    try:
        prepared.url = target_uri(record)
        prepared.index_row = warc_record_row(location, record)
        if not record_type:
            raise ValueError("record without WARC-Type")
        prepared.problem = digest_problem(record)
        _prepare_rows(prepared, record, extractor)
    except Exception as exc:  # one bad record must not stop a rebuild: record it and go on
        prepared.action = "skipped"
        prepared.detail = f"{type(exc).__name__}: {exc}"
    return prepared


def _prepare_rows(prepared: PreparedRecord, record: ArcWarcRecord, extractor: PageExtractor | None) -> None:
    kind, record_id, location = prepared.record_type, prepared.record_id, prepared.location
    if kind in ("warcinfo", "request", "response", "revisit", "resource") and not record_id:
        raise ValueError(f"{kind} record without WARC-Record-ID")
    if kind == "warcinfo":
        prepared.action = "run"
        prepared.row = _warcinfo_row(location, record)
    elif kind == "request":
        prepared.action = "request"
        prepared.row = request_row(location, record)
    elif kind in ("response", "revisit", "resource"):
        row = capture_row(location, record)
        prepared.row = row
        prepared.action = "capture"
        if is_html_capture(row):
            prepared.action = "article"
            prepared.extraction = _extract(record, row, extractor)
            if prepared.extraction.status == "ok" and prepared.extraction.text:
                prepared.search_shadows = search_shadows(prepared.extraction.title, prepared.extraction.text)
    elif kind == "metadata" and (prepared.url or "").startswith(RUN_STATS_URI_PREFIX):
        prepared.action = "run-stats"
        prepared.row = _run_stats_row(record, prepared.url or "")
    else:
        prepared.action = "indexed"


def store_prepared(db: Database, prepared: PreparedRecord) -> IngestOutcome:
    """The database half of ingest: write a :func:`prepare_record` result. Never raises for a bad
    record (the reason goes to ``ingest_problems``)."""
    location = prepared.location
    try:
        with db.atomic():
            upsert(db, "warc_records", prepared.index_row, ["warc_filename", "warc_offset"])
            db.execute(
                "DELETE FROM ingest_problems WHERE warc_filename = ? AND warc_offset = ?",
                [location.filename, location.offset],
            )
            if prepared.action == "skipped":
                _record_problem(db, location, prepared.record_id, prepared.detail or "unreadable record")
                return _outcome(prepared, "skipped", detail=prepared.detail)
            if prepared.problem:
                _record_problem(db, location, prepared.record_id, prepared.problem)
            other = _better_copy(db, location, prepared.record_id, prepared.problem)
            if other is not None:
                return _outcome(
                    prepared,
                    "duplicate",
                    detail=f"the same record is also at {other[0]} offset {other[1]}, which is used",
                )
            return _store_rows(db, prepared)
    except Exception as exc:  # one bad record must not stop a rebuild: record it and go on
        return _skip(db, prepared, f"{type(exc).__name__}: {exc}")


def _outcome(prepared: PreparedRecord, action: str, **extra: Any) -> IngestOutcome:
    return IngestOutcome(
        prepared.record_type, prepared.record_id, prepared.url, action, problem=prepared.problem, **extra
    )


def _store_rows(db: Database, prepared: PreparedRecord) -> IngestOutcome:
    row = prepared.row
    assert row is not None or prepared.action == "indexed"
    if prepared.action == "run":
        _store_warcinfo(db, row)
    elif prepared.action == "request":
        _store_request(db, row)
    elif prepared.action in ("capture", "article"):
        _store_capture(db, row)
        if prepared.extraction is not None:
            write_extraction(
                db, row["record_id"], prepared.extraction, search_shadows=prepared.search_shadows
            )
            return _outcome(prepared, "article", article_status=prepared.extraction.status)
    elif prepared.action == "run-stats":
        _store_run_stats(db, row)
    return _outcome(prepared, prepared.action)


def _better_copy(
    db: Database, location: RecordLocation, record_id: str | None, problem: str | None
) -> tuple[str, int] | None:
    """Another copy of this record (same WARC-Record-ID, e.g. a file and its recompressed twin, or
    a truncated copy) that should give the rows instead: one without an ingest problem, then the
    smallest (file name, offset). A fixed rule, so the rows do not depend on which copy came last.
    """
    if not record_id:
        return None
    mine = (problem is not None, location.filename, location.offset)
    best = db.execute(
        """SELECT w.warc_filename, w.warc_offset,
                  EXISTS (SELECT 1 FROM ingest_problems p
                          WHERE p.warc_filename = w.warc_filename AND p.warc_offset = w.warc_offset) AS flawed
           FROM warc_records w
           WHERE w.record_id = ? AND NOT (w.warc_filename = ? AND w.warc_offset = ?)
           ORDER BY flawed, w.warc_filename, w.warc_offset LIMIT 1""",
        [record_id, location.filename, location.offset],
    ).fetchone()
    if best is None or (bool(best[2]), best[0], best[1]) > mine:
        return None
    return best[0], best[1]


def digest_problem(record: ArcWarcRecord) -> str | None:
    """The reader's verdict on the record's digests, when it was read with ``check_digests`` (a
    rebuild does; the live crawl reads back what it has just written and does not). A malformed
    digest counts as a mismatch."""
    checker = getattr(record, "digest_checker", None)
    if checker is None or checker.passed is not False:
        return None
    return "digest mismatch: " + "; ".join(checker.problems)


def _record_problem(db: Database, location: RecordLocation, record_id: str | None, problem: str) -> None:
    upsert(
        db,
        "ingest_problems",
        {
            "warc_filename": location.filename,
            "warc_offset": location.offset,
            "record_id": record_id,
            "problem": problem,
        },
        ["warc_filename", "warc_offset"],
    )


def _skip(db: Database, prepared: PreparedRecord, reason: str) -> IngestOutcome:
    """Keep the record's index entry and its problem; if even that cannot be written, the outcome
    still says so (the WARC record is intact, and the run goes on)."""
    try:
        with db.atomic():
            if prepared.index_row.get("record_type"):
                upsert(db, "warc_records", prepared.index_row, ["warc_filename", "warc_offset"])
            _record_problem(db, prepared.location, prepared.record_id, reason)
    except Exception as exc:  # the database refuses even the problem row: report it, lose nothing else
        reason = f"{reason}; not recorded: {type(exc).__name__}: {exc}"
    return _outcome(prepared, "skipped", detail=reason)


def _run_id_of(db: Database, warcinfo_id: str | None) -> str | None:
    if not warcinfo_id:
        return None
    row = db.execute("SELECT run_id FROM warcinfo WHERE record_id = ?", [warcinfo_id]).fetchone()
    return row[0] if row else None


_RUN_COLUMNS = ("spider", "seeds", "settings", "software", "hostname")


def _warcinfo_row(location: RecordLocation, record: ArcWarcRecord) -> dict[str, Any]:
    fields = parse_warc_fields(record.content_stream().read())
    return {
        "record_id": warc_header(record, "WARC-Record-ID"),
        "run_id": first(fields.get("run-id")),
        "warc_filename": location.filename,
        "warc_date": warc_header(record, "WARC-Date"),
        "software": first(fields.get("software")),
        "format": first(fields.get("format")),
        "hostname": first(fields.get("hostname")),
        "spider": first(fields.get("spider")),
        "seeds": seeds_field(fields.get("seeds")),
        "settings": json_field(fields.get("settings")),
        "fields": canonical_json(fields),
    }


def _store_warcinfo(db: Database, info: dict[str, Any]) -> None:
    upsert(db, "warcinfo", info, ["record_id"])
    run_id = info["run_id"]
    if run_id:
        upsert(
            db,
            "crawl_runs",
            {"run_id": run_id, **{c: info[c] for c in _RUN_COLUMNS}, "first_warcinfo_at": info["warc_date"]},
            ["run_id"],
            merge={c: least("crawl_runs", c) for c in (*_RUN_COLUMNS, "first_warcinfo_at")},
        )
    for table in ("captures", "requests"):
        db.execute(f"UPDATE {table} SET run_id = ? WHERE warcinfo_id = ?", [run_id, info["record_id"]])


def _store_request(db: Database, row: dict[str, Any]) -> None:
    row = {**row, "run_id": _run_id_of(db, row["warcinfo_id"])}
    upsert(db, "requests", row, ["record_id"])
    if row["concurrent_to"]:
        db.execute(
            "UPDATE captures SET request_record_id = ? WHERE record_id = ? AND request_record_id IS NULL",
            [row["record_id"], row["concurrent_to"]],
        )


def _store_capture(db: Database, row: dict[str, Any]) -> None:
    row = {**row, "run_id": _run_id_of(db, row["warcinfo_id"])}
    if not row["request_record_id"]:
        found = db.execute(
            "SELECT min(record_id) FROM requests WHERE concurrent_to = ?", [row["record_id"]]
        ).fetchone()
        row["request_record_id"] = found[0]
    upsert(db, "captures", row, ["record_id"])
    if row["payload_digest"]:
        _resolve_revisits(db, row["payload_digest"])


# The original of a revisit without a WARC-Refers-To header: a response or resource with the same payload
# digest, preferring the URL and date the revisit names (WARC-Refers-To-Target-URI, else the revisit's own
# URL, and WARC-Refers-To-Date), then the earliest capture. A total order over all candidates, so the
# answer does not depend on which records came first. (SQLite does not let a correlated subquery's ORDER
# BY see the outer row, hence min() over a sort key: two flags, the capture date, a separator, then the
# record id that is cut out again.)
_BEST_ORIGINAL = """
    SELECT substr(min(key), instr(min(key), char(1)) + 1) FROM (
        SELECT (o.url IS NOT coalesce(captures.refers_to_target_uri, captures.url))
               || (o.fetched_at IS NOT captures.refers_to_date)
               || coalesce(o.fetched_at, '') || char(1) || o.record_id AS key
        FROM captures o
        WHERE o.payload_digest = captures.payload_digest AND o.record_type IN ('response', 'resource'))"""


def _resolve_revisits(db: Database, digest: str) -> None:
    """Point revisits without a WARC-Refers-To header at their original (``captures.refers_to``,
    ``refers_to_source = 'payload-digest'``).

    Runs whenever a capture with this digest arrives, from either side: a revisit ingested before
    its original is filled in when the original comes, and re-resolved when a better one comes. A
    refers-to given by the record's own header (``refers_to_source = 'header'``) is never rewritten,
    whether or not the record it names is in the archive.
    """
    db.execute(
        f"""UPDATE captures SET refers_to = ({_BEST_ORIGINAL}), refers_to_source = 'payload-digest'
            WHERE record_type = 'revisit' AND payload_digest = :digest
              AND refers_to_source IS NOT 'header'
              AND ({_BEST_ORIGINAL}) IS NOT NULL""",
        {"digest": digest},
    )


@dataclass(frozen=True)
class ExtractionInputs:
    """The arguments ingest passes to the page extractor for one capture: a rebuild computes them
    with this same function and runs the extractor in a worker process."""

    payload: bytes
    url: str
    content_type: str | None
    capture_date: datetime.date | None


def extraction_inputs(record: ArcWarcRecord, row: dict[str, Any]) -> ExtractionInputs:
    """Decoded HTTP payload, URL, Content-Type and capture day of an HTML capture (``row`` is its
    :func:`capture_row`). Raises :class:`PayloadDecodeError` for an undecodable body."""
    return ExtractionInputs(
        payload=record_http_payload(record),
        url=row["url"],
        content_type=row["content_type"],
        capture_date=_capture_date(row["fetched_at"]),
    )


def _extract(record: ArcWarcRecord, row: dict[str, Any], extractor: PageExtractor | None) -> Extraction:
    """Run extraction, turning any failure into an ``error`` result so the page stays visible."""
    extract = extractor or _default_extractor()
    try:
        inputs = extraction_inputs(record, row)
        return extract(
            inputs.payload, inputs.url, content_type=inputs.content_type, capture_date=inputs.capture_date
        )
    except Exception as exc:  # extraction is third-party code over hostile HTML: report, don't crash
        return Extraction(url=row["url"], status="error", error=f"{type(exc).__name__}: {exc}")


def _default_extractor() -> PageExtractor:
    # Imported on first use: trafilatura is heavy, and search/show never need it.
    from archive.extract import extract_page

    return extract_page


def _capture_date(warc_date: str | None) -> datetime.date | None:
    """The day of the capture, passed to extraction so that "today" means the crawl day."""
    if not warc_date:
        return None
    try:
        return datetime.date.fromisoformat(warc_date[:10])
    except ValueError:
        return None


def _run_stats_row(record: ArcWarcRecord, uri: str) -> dict[str, Any]:
    stats = json.loads(record.content_stream().read().decode("utf-8"))
    if not isinstance(stats, dict):
        raise ValueError("run stats are not a JSON object")
    return {
        "run_id": uri.removeprefix(RUN_STATS_URI_PREFIX),
        "started": _text_or_none(stats.get("started")),
        "finished": _text_or_none(stats.get("finished")),
        "stats": canonical_json(stats),
    }


def _store_run_stats(db: Database, row: dict[str, Any]) -> None:
    newer = "crawl_runs.finished IS NULL OR excluded.finished >= crawl_runs.finished"
    upsert(
        db,
        "crawl_runs",
        row,
        ["run_id"],
        merge={
            "started": least("crawl_runs", "started"),
            "finished": greatest("crawl_runs", "finished"),
            "stats": f"CASE WHEN {newer} THEN excluded.stats ELSE crawl_runs.stats END",
        },
    )


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def ingest_warc_file(
    db: Database,
    path: Path | str,
    *,
    extractor: PageExtractor | None = None,
    batch_size: int = BATCH_SIZE,
    start: int = 0,
) -> FileOutcome:
    """Ingest every record of one WARC file, in this process, in transactions of ``batch_size``
    records (a rebuild does the same on several cores: :func:`archive.rebuild.ingest_files`).

    ``start`` (a record boundary) skips what an earlier ingest already holds. Never raises for bad
    records or a damaged file: damage is skipped and reported in the outcome (and in
    ``warc_damage`` and ``ingest_problems``), and every readable record around it is ingested.
    """
    path = Path(path)
    outcome = FileOutcome(filename=final_filename(path))
    in_batch = 0
    db.execute("BEGIN")
    try:
        forget_damage(db, outcome.filename, start)
        for item in scan_records(path, start=start):
            if isinstance(item, Damage):
                note_damage(db, outcome, item)
                continue
            location, record = item
            outcome.add(location, ingest_record(db, location, record, extractor=extractor))
            in_batch += 1
            if in_batch >= batch_size:
                db.execute("COMMIT")
                db.execute("BEGIN")
                in_batch = 0
    except OSError as exc:
        note_file_damage(db, outcome, start, f"{type(exc).__name__}: {exc}")
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")
    return outcome


def forget_damage(db: Database, filename: str, start: int = 0) -> None:
    """Drop the damage recorded for ``filename`` from ``start`` on: the file is being read again
    from there, and what is still damaged will be noted again."""
    db.execute(
        """DELETE FROM ingest_problems WHERE warc_filename = ? AND record_id IS NULL
           AND warc_offset IN (SELECT start_offset FROM warc_damage WHERE warc_filename = ? AND start_offset >= ?)""",
        [filename, filename, start],
    )
    db.execute("DELETE FROM warc_damage WHERE warc_filename = ? AND start_offset >= ?", [filename, start])


def note_damage(db: Database, outcome: FileOutcome, region: Damage) -> None:
    """Record a stretch of a WARC file that gave no record: in the outcome, in ``warc_damage`` (its
    extent) and in ``ingest_problems`` (where it starts)."""
    outcome.add_damage(region)
    upsert(
        db,
        "warc_damage",
        {
            "warc_filename": outcome.filename,
            "start_offset": region.start,
            "end_offset": region.end,
            "kind": region.kind,
            "problem": region.reason,
        },
        ["warc_filename", "start_offset"],
    )
    upsert(
        db,
        "ingest_problems",
        {
            "warc_filename": outcome.filename,
            "warc_offset": region.start,
            "record_id": None,
            "problem": region.reason,
        },
        ["warc_filename", "warc_offset"],
    )


def note_file_damage(db: Database, outcome: FileOutcome, offset: int, reason: str) -> None:
    """Record that a WARC file could not be read (missing, unreadable) from ``offset`` on."""
    outcome.read_error = reason
    outcome.read_error_offset = offset
    upsert(
        db,
        "ingest_problems",
        {"warc_filename": outcome.filename, "warc_offset": offset, "record_id": None, "problem": reason},
        ["warc_filename", "warc_offset"],
    )
