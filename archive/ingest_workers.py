"""Worker processes that read WARC records and prepare their rows, each page on a clock.

Extraction is third-party code over hostile HTML: a pathological page can spend minutes inside one
lxml call that no timer in the same process can interrupt. So the heavy half of ingest
(:func:`archive.db.ingest.prepare_record`: reading and inflating records, digests, rows, extraction,
the search index's text) runs in worker processes, and the process that owns the database keeps the
clock. A worker that spends longer than ``page_seconds`` on one page is killed and replaced; the page
is stored with status ``timeout`` (its WARC record is intact, so a later run with a larger budget
extracts it), and the rest of the job goes on in the new worker. A worker that dies by itself costs
the same: its page is stored with status ``error``, never the run.

Results come back in job order, whatever order the workers finish in, so the rows written are the
same for any number of workers. A job is a byte range of one file (a rebuild splits large files into
ranges; see :func:`archive.warc.framing.scan_members` for how neighbouring ranges meet) or a list of
record offsets (the live crawl's records, read back as soon as they are written).
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from archive.batch_gc import settle_for_batch_work
from archive.db.ingest import PageExtractor, PreparedRecord, prepare_record
from archive.extract.result import Extraction
from archive.warc.framing import Damage
from archive.warc.reader import WarcReadError, file_format, resolve_warc_path, scan_records

# Pages of the archived site extract in milliseconds, a large foreign page in well under a second: ten
# seconds is generous on a loaded machine and still bounds what one hostile page can cost a crawl.
DEFAULT_PAGE_SECONDS = 10.0
DEFAULT_EXTRACTOR = "archive.extract:extract_page"
# Jobs handed out ahead of the oldest unfinished one: enough to keep every worker busy, few enough
# that the results waiting for their turn stay small.
LOOKAHEAD_PER_WORKER = 2
_POLL_SECONDS = 0.05

Item = PreparedRecord | Damage


@dataclass(frozen=True)
class IngestBudget:
    """What one page may cost. ``page_seconds``: wall-clock seconds of extraction per page before
    its worker is killed (the page is stored as ``timeout``). ``extractor``: the page extractor as
    ``module:function`` (default :func:`archive.extract.extract_page`), so a run can use another."""

    page_seconds: float = DEFAULT_PAGE_SECONDS
    extractor: str = DEFAULT_EXTRACTOR


@dataclass(frozen=True)
class JobSpec:
    """What a worker reads: a byte range (``start``..``stop``, ``resync`` to look for the first record
    at or after ``start``) or the records at ``offsets``. ``directory`` makes the worker find the
    file by its final name there at read time (the live crawl renames ``.open`` files)."""

    job_id: int
    path: str
    filename: str
    start: int = 0
    stop: int | None = None
    resync: bool = False
    offsets: tuple[int, ...] | None = None
    directory: str | None = None
    check_digests: bool = True


def load_extractor(name: str) -> PageExtractor:
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


# A file's format is set by its first bytes, which never change (WARC files are only appended to), and a
# live crawl sends a job per record: sniffing the file for each one (open it, inflate its first member to
# look for an ARC header) cost about a tenth of a worker's time in a crawl of the site model. Known once
# read from enough bytes; a file shorter than that is sniffed again.
_FORMATS: dict[tuple[str | None, str], str] = {}
_SNIFF_BYTES = 64


def _format_of(spec: JobSpec, path: Path) -> str:
    key = (spec.directory, spec.filename) if spec.directory is not None else (None, spec.path)
    known = _FORMATS.get(key)
    if known is None:
        known = file_format(path)
        if path.stat().st_size >= _SNIFF_BYTES:
            _FORMATS[key] = known
    return known


def _job_path(spec: JobSpec) -> Path:
    if spec.directory is not None:
        return resolve_warc_path(Path(spec.directory), spec.filename)
    return Path(spec.path)


def run_job(spec: JobSpec, extractor: PageExtractor, emit: Callable[[tuple], None]) -> None:
    """Read one job's records and prepare each, sending ``("item", id, PreparedRecord | Damage)``,
    ``("page", id, offset)`` as a page's extraction starts, and ``("end", id, offset)`` last (or
    ``("fail", id, reason)`` when the file cannot be read at all)."""
    try:
        path = _job_path(spec)
        if spec.offsets is not None:
            for offset in spec.offsets:
                _read_one(spec, path, offset, extractor, emit)
            emit(("end", spec.job_id, None))
            return
        scan = scan_records(
            path,
            check_digests=spec.check_digests,
            start=spec.start,
            stop=spec.stop,
            resync=spec.resync,
            kind=_format_of(spec, path),
        )
        for item in scan:
            emit(("item", spec.job_id, _prepared(spec, item, extractor, emit)))
        emit(("end", spec.job_id, scan.end))
    except OSError as exc:
        emit(("fail", spec.job_id, f"{type(exc).__name__}: {exc}"))


def _read_one(
    spec: JobSpec, path: Path, offset: int, extractor: PageExtractor, emit: Callable[[tuple], None]
) -> None:
    for attempt in range(3):
        try:
            kind = _format_of(spec, path)
            scan = scan_records(
                path, check_digests=spec.check_digests, start=offset, stop=offset + 1, kind=kind
            )
            item = next(iter(scan), None)
            break
        except FileNotFoundError:
            if spec.directory is None or attempt == 2:
                raise
            path = _job_path(spec)  # the crawl renamed the .open file between our look and our open
    if item is None:
        item = Damage(spec.filename, offset, offset, "no record at this offset")
    emit(("item", spec.job_id, _prepared(spec, item, extractor, emit)))


def _prepared(spec: JobSpec, item: Any, extractor: PageExtractor, emit: Callable[[tuple], None]) -> Item:
    if isinstance(item, Damage):
        return item
    location, record = item

    def on_the_clock(*args: Any, **kwargs: Any) -> Extraction:
        emit(("page", spec.job_id, location.offset))
        return extractor(*args, **kwargs)

    return prepare_record(location, record, extractor=on_the_clock)


def _worker_main(jobs: Connection, results: Connection, extractor_name: str) -> None:
    """A worker's loop: one job at a time until told to stop (``None``) or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the process that owns the run
    extractor = load_extractor(extractor_name)
    settle_for_batch_work()  # imports done: from here on, page after page
    try:
        while True:
            spec = jobs.recv()
            if spec is None:
                return
            run_job(spec, extractor, results.send)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return


# -- the owner's side -------------------------------------------------------------------------------


@dataclass
class _Job:
    spec: JobSpec
    items: deque[Item] = field(default_factory=deque)
    done: bool = False
    end: int | None = None
    floor: int = 0  # items starting before this belong to the previous range of the file
    next_offset: int | None = None  # where the record after the last one received starts
    remaining: tuple[int, ...] | None = None  # offsets not yet received (offset jobs)
    page: int | None = None  # the page being extracted right now, if any
    restarts: int = 0
    failure: str | None = None
    worker: _Worker | None = None


@dataclass(frozen=True)
class JobDone:
    """The end of one job, after all its items: ``end`` is where a range job stopped reading."""

    spec: JobSpec
    end: int | None
    failure: str | None = None


@dataclass(frozen=True)
class PageLost:
    """A worker was killed (over budget) or died on a record: told so the caller can count it."""

    filename: str
    offset: int
    status: str
    reason: str


Event = Item | JobDone | PageLost


class _Worker:
    """One worker: a fresh interpreter (``python -m archive.ingest_workers``) joined by two pipes.

    Not ``multiprocessing``: forking a crawl's process would copy its threads' locks, and its
    ``spawn`` re-imports the caller's main module, which runs a script without a main guard again.
    """

    def __init__(self, extractor: str) -> None:
        job_read, job_write = os.pipe()
        result_read, result_write = os.pipe()
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(job_read), str(result_write), extractor],
            pass_fds=(job_read, result_write),
            stdin=subprocess.DEVNULL,
            env=environment,
        )
        os.close(job_read)
        os.close(result_write)
        self.jobs = Connection(job_write, readable=False)
        self.conn = Connection(result_read, writable=False)
        self.job: _Job | None = None
        self.dead = False
        self.since = 0.0  # when the current page's extraction started (monotonic)

    def send(self, spec: JobSpec) -> None:
        try:
            self.jobs.send(spec)
        except OSError:
            self.dead = True

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, *, kill: bool = False) -> None:
        self.ask_to_stop(kill=kill)
        self.wait_until_stopped(kill=kill)

    def ask_to_stop(self, *, kill: bool = False) -> None:
        """Kill the worker, or tell it to leave once its current job is done."""
        if kill:
            self.process.kill()
            return
        try:
            self.jobs.send(None)
        except OSError:
            pass

    def wait_until_stopped(self, *, kill: bool = False) -> None:
        try:
            self.process.wait(timeout=None if kill else 10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.jobs.close()
        self.conn.close()


class IngestWorkers:
    """Jobs in, their items out in job order, from ``count`` killable worker processes.

    ``count=0`` runs every job in this process (no clock: nothing can interrupt a page there).
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, count: int, budget: IngestBudget | None = None) -> None:
        self.budget = budget or IngestBudget()
        self.count = count
        self._workers = [_Worker(self.budget.extractor) for _ in range(count)]
        self._jobs: deque[_Job] = deque()
        self._next_id = 0
        self._lost: deque[PageLost] = deque()
        self._extractor: PageExtractor | None = None
        self.pages_lost = 0

    # -- submitting ------------------------------------------------------------------------------

    def submit(self, spec: JobSpec) -> JobSpec:
        """Queue a job (its ``job_id`` is replaced by the next one); returns the spec as queued."""
        spec = JobSpec(**{**spec.__dict__, "job_id": self._next_id})
        self._next_id += 1
        job = _Job(spec, remaining=spec.offsets)
        job.next_offset = None if spec.resync else spec.start
        self._jobs.append(job)
        self._dispatch()
        return spec

    @property
    def pending(self) -> int:
        """Jobs submitted whose items have not all been handed out yet."""
        return len(self._jobs)

    # -- collecting ------------------------------------------------------------------------------

    def events(self, *, block: bool = True) -> Iterator[Event]:
        """Items and job ends in job order. With ``block`` it waits until every submitted job is
        done; without, it hands out what is ready and returns."""
        while True:
            yield from self._ready()
            if not self._jobs or not block:
                if not block:
                    self._pump(0)
                    yield from self._ready()
                return
            self._pump(_POLL_SECONDS)

    def next_events(self) -> list[Event]:
        """The events ready now, waiting until there is at least one (or no job is left)."""
        while True:
            ready = list(self._ready())
            if ready or not self._jobs:
                return ready
            self._pump(_POLL_SECONDS)

    def _ready(self) -> Iterator[Event]:
        while self._lost:
            yield self._lost.popleft()
        while self._jobs:
            head = self._jobs[0]
            if self.count == 0 and not head.done:
                self._run_here(head)  # in this process, one job at a time as its turn comes
            while head.items:
                item = head.items.popleft()
                if _start_of(item) >= head.floor:
                    yield item
            if not head.done:
                return
            self._jobs.popleft()
            following = self._jobs[0] if self._jobs else None
            if following is not None and following.spec.path == head.spec.path and head.end is not None:
                following.floor = max(following.floor, head.end)
            yield JobDone(head.spec, head.end, head.failure)
            self._dispatch()

    # -- running ---------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        if self.count == 0:
            return
        window = list(self._jobs)[: self.count * LOOKAHEAD_PER_WORKER]
        for job in window:
            if job.done or job.worker is not None:
                continue
            idle = next((w for w in self._workers if w.job is None), None)
            if idle is None:
                return
            self._start(idle, job)

    def _start(self, worker: _Worker, job: _Job) -> None:
        spec = job.spec
        if job.restarts:
            if spec.offsets is not None:
                spec = JobSpec(**{**spec.__dict__, "offsets": job.remaining})
            elif job.next_offset is not None:
                spec = JobSpec(**{**spec.__dict__, "start": job.next_offset, "resync": False})
        worker.job = job
        job.worker = worker
        job.page = None
        worker.send(spec)

    def _run_here(self, job: _Job) -> None:
        if self._extractor is None:
            self._extractor = load_extractor(self.budget.extractor)
        run_job(job.spec, self._extractor, lambda message: self._receive(job, message))

    def _pump(self, timeout: float) -> None:
        """Receive what the workers sent, then enforce the clock and replace dead workers."""
        busy = [w for w in self._workers if w.job is not None]
        if not busy:
            return
        ready = wait([w.conn for w in busy], timeout)
        for worker in busy:
            if worker.conn in ready:
                self._drain(worker)
        now = time.monotonic()
        for worker in list(self._workers):
            job = worker.job
            if job is None:
                continue
            if worker.dead or (not worker.is_alive() and not worker.conn.poll()):
                self._lose(worker, "error", f"extraction worker died (exit status {worker.process.poll()})")
            elif (
                job.page is not None
                and now - worker.since > self.budget.page_seconds
                and not worker.conn.poll()
            ):
                self._lose(
                    worker,
                    "timeout",
                    f"extraction took longer than {self.budget.page_seconds:g} s; the WARC record is intact, "
                    "extract it again with a larger budget",
                )
        self._dispatch()

    def _drain(self, worker: _Worker) -> None:
        while worker.job is not None and worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.dead = True  # handled by the liveness check
                return
            job = worker.job
            if message[0] == "page":
                worker.since = time.monotonic()
            self._receive(job, message)
            if job.done:
                worker.job = None
                job.worker = None

    def _receive(self, job: _Job, message: tuple) -> None:
        kind, _job_id, value = message
        if kind == "page":
            job.page = value
            return
        if kind == "item":
            job.page = None
            job.items.append(value)
            job.next_offset = _end_of(value)
            if job.remaining is not None:
                job.remaining = job.remaining[1:]
            return
        job.done = True
        if kind == "end":
            job.end = value
        else:  # "fail": the file cannot be read
            job.failure = value

    def _lose(self, worker: _Worker, status: str, reason: str) -> None:
        """Kill ``worker``, store the record it was on without extraction, replace it, and restart
        its job after that record."""
        job = worker.job
        assert job is not None
        worker.stop(kill=True)
        self._workers.remove(worker)
        self._workers.append(_Worker(self.budget.extractor))
        job.worker = None
        offset = job.page if job.page is not None else _next_record(job)
        job.restarts += 1
        if offset is not None and job.spec.offsets is None and _past_the_range(job, offset):
            job.done, job.end = True, offset  # it had read everything: it died saying so
            return
        if offset is None:
            if job.restarts > 2:
                stop = job.spec.stop if job.spec.stop is not None else job.spec.start
                job.items.append(Damage(job.spec.filename, job.spec.start, stop, reason))
                job.done, job.end = True, job.spec.stop
            return
        self.pages_lost += 1
        self._lost.append(PageLost(job.spec.filename, offset, status, reason))
        item = self._read_without_extraction(job, offset, status, reason)
        job.items.append(item)
        job.next_offset = _end_of(item)
        job.page = None
        if job.remaining is not None:
            job.remaining = job.remaining[1:]
            if not job.remaining:
                job.done = True
        elif _past_the_range(job, job.next_offset):
            job.done, job.end = True, job.next_offset

    def _read_without_extraction(self, job: _Job, offset: int, status: str, reason: str) -> Item:
        def stand_in(_body: bytes, url: str, **_kwargs: Any) -> Extraction:
            return Extraction(url=url, status=status, error=reason)

        spec = job.spec
        try:
            path = _job_path(spec)
            for item in scan_records(path, check_digests=spec.check_digests, start=offset, stop=offset + 1):
                if isinstance(item, Damage):
                    return item
                location, record = item
                return prepare_record(location, record, extractor=stand_in)
        except (OSError, WarcReadError) as exc:
            return Damage(spec.filename, offset, offset, f"{type(exc).__name__}: {exc}")
        return Damage(spec.filename, offset, offset, "no record at this offset")

    # -- ending ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every worker: all are told first, then waited for, so that they leave together."""
        busy = {id(worker): worker.job is not None for worker in self._workers}
        for worker in self._workers:
            worker.ask_to_stop(kill=busy[id(worker)])
        for worker in self._workers:
            worker.wait_until_stopped(kill=busy[id(worker)])
        self._workers.clear()

    def __enter__(self) -> IngestWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _start_of(item: Item) -> int:
    return item.start if isinstance(item, Damage) else item.location.offset


def _end_of(item: Item) -> int:
    if isinstance(item, Damage):
        return item.end
    return item.location.offset + item.location.length


def _next_record(job: _Job) -> int | None:
    if job.remaining is not None:
        return job.remaining[0] if job.remaining else None
    return job.next_offset


def _past_the_range(job: _Job, offset: int) -> bool:
    """A range job reading on from ``offset`` would stop at once (its stop, or the end of the file)."""
    if job.spec.stop is not None and offset >= job.spec.stop:
        return True
    try:
        return offset >= os.path.getsize(_job_path(job.spec))
    except OSError:
        return True


def _leave_at_once() -> None:
    """End the worker without the interpreter's teardown. Everything it owes the owner has gone down
    the result pipe (each send is written through), and it holds no file open for writing; freeing its
    objects one by one (lxml trees, every module's state) took about 0.1 s a worker at the end of a
    rebuild, while the owner waited with a core idle."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(0)


if __name__ == "__main__":
    _worker_main(
        Connection(int(sys.argv[1]), writable=False),
        Connection(int(sys.argv[2]), readable=False),
        sys.argv[3],
    )
    _leave_at_once()
