"""Live ingest in a process of its own, which owns the database for the length of a crawl.

A crawl's process has one thread for everything (Scrapy's event loop): every millisecond it spends
storing rows, committing and waiting for ``fsync`` is a millisecond no response is handled. So the crawl
only writes WARC records and sends their locations here; this process runs
:class:`archive.live_ingest.LiveIngest` as it is (its worker reads each record back and prepares its
rows, extraction included), stores the rows, commits in batches, and sends back only the counts the
crawl reports. Before each commit it forces the WARC files the batch came from to disk, so the files,
the truth, are never behind the rows made from them.

The process is a fresh interpreter (``python -m archive.live_store``) joined by two pipes, for the same
reason as the ingest workers: forking a crawl's process would copy its threads' locks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from archive.ingest_workers import IngestBudget
from archive.warc.location import RecordLocation

IDLE_SECONDS = 0.05  # how long the store process waits for the crawl before storing what is ready
STOP_SECONDS = 600.0  # how long closing may take: the worker finishes every queued record first
SUBMIT_BATCH = 64  # records handed over per message: one pickle and one write for a batch, not per record
REPORT_SECONDS = 0.1  # the store process reports its counts at most this often while records keep coming
DEFAULT_NICENESS = 10
""":func:`os.nice` increment of the store process and its worker. The crawl's thread is the one that
keeps time with the network (timeouts, politeness delays, the server's patience); storing can lag behind
and catch up when the CPU is free, and the end of the crawl waits until it has (``flush``)."""


@dataclass
class IngestCounts:
    """What the store process has done so far: the crawl's statistics are made of these."""

    actions: Counter[str] = field(default_factory=Counter)
    article_statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    pages_lost: int = 0


class LiveIngestProcess:
    """The crawl's side: hand records over, collect the counts. Same calls as ``LiveIngest``, but
    :meth:`poll`, :meth:`flush` and :meth:`close` return the actions counted since the last call."""

    def __init__(
        self,
        db_path: Path,
        warc_dir: Path,
        *,
        workers: int = 1,
        budget: IngestBudget | None = None,
        fsync: bool = True,
        niceness: int = DEFAULT_NICENESS,
    ) -> None:
        budget = budget or IngestBudget()
        options = {
            "db": str(db_path),
            "warc_dir": str(warc_dir),
            "workers": workers,
            "page_seconds": budget.page_seconds,
            "extractor": budget.extractor,
            "fsync": fsync,
            "niceness": niceness,
        }
        order_read, order_write = os.pipe()
        report_read, report_write = os.pipe()
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(order_read), str(report_write), json.dumps(options)],
            pass_fds=(order_read, report_write),
            stdin=subprocess.DEVNULL,
            env=environment,
        )
        os.close(order_read)
        os.close(report_write)
        self._orders = Connection(order_write, readable=False)
        self._reports = Connection(report_read, writable=False)
        self.counts = IngestCounts()
        self._reported: Counter[str] = Counter()
        self._gone = False
        self._unsent: list[tuple[str, int]] = []

    @property
    def failures(self) -> list[str]:
        """Records or files that could not be read back or stored (the WARC files keep them)."""
        return self.counts.failures

    def submit(self, locations: list[RecordLocation]) -> None:
        """Hand records just written (in file order) to the store process.

        They go in batches of :data:`SUBMIT_BATCH`; :meth:`poll`, :meth:`flush` and :meth:`close` send
        a partial batch, so a caller that polls on a timer bounds how long a record waits here.
        """
        self._unsent.extend((loc.filename, loc.offset) for loc in locations)
        if len(self._unsent) >= SUBMIT_BATCH:
            self._send_unsent()

    def poll(self) -> Counter[str]:
        """Send what is waiting and take in the counts the store process has sent; never waits."""
        self._send_unsent()
        self._drain_reports()
        return self._new_actions()

    def flush(self) -> Counter[str]:
        """Wait until every record handed over so far is stored and committed."""
        self._send_unsent()
        self._send(("flush",))
        self._wait_for("flushed")
        return self._new_actions()

    def close(self) -> Counter[str]:
        """Store and commit everything handed over, then stop the store process and its worker."""
        self._send_unsent()
        self._send(("close",))
        self._wait_for("closed")
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._orders.close()
        self._reports.close()
        return self._new_actions()

    def _send_unsent(self) -> None:
        if self._unsent:
            # Reports first: a store process blocked on a full report pipe would not read this order.
            self._drain_reports()
            batch, self._unsent = self._unsent, []
            self._send(("submit", batch))

    def _drain_reports(self) -> None:
        while not self._gone and self._reports.poll(0):
            self._receive()

    def _send(self, order: tuple) -> None:
        if self._gone:
            return
        try:
            self._orders.send(order)
        except OSError as exc:
            self._lost(f"{type(exc).__name__}: {exc}")

    def _wait_for(self, answer: str) -> None:
        deadline = time.monotonic() + STOP_SECONDS
        while not self._gone:
            if not self._reports.poll(max(deadline - time.monotonic(), 0)):
                self._lost(f"no answer in {STOP_SECONDS:.0f} s")
                self.process.kill()
                return
            if self._receive() == answer:
                return

    def _receive(self) -> str | None:
        try:
            kind, counts = self._reports.recv()
        except Exception as exc:  # a closed pipe, or a message that does not unpickle: the process is lost
            self._lost(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            return None
        self.counts = counts
        return kind

    def _lost(self, reason: str) -> None:
        """The store process is gone: what it did not store is still in the WARC files."""
        self._gone = True
        self.counts.failures.append(f"live ingest process stopped ({reason})")

    def _new_actions(self) -> Counter[str]:
        new = self.counts.actions - self._reported
        self._reported = Counter(self.counts.actions)
        return new


# -- the store process ------------------------------------------------------------------------------


def _store_main(orders: Connection, reports: Connection, options: dict[str, Any]) -> None:
    """Run LiveIngest on the orders of one crawl until told to close or the crawl's pipe closes."""
    from archive.db.schema import open_archive
    from archive.live_ingest import LiveIngest
    from archive.warc.reader import resolve_warc_path

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's: it then tells this process to close
    if options.get("niceness"):
        os.nice(options["niceness"])  # the worker started below inherits it
    warc_dir = Path(options["warc_dir"])
    touched: set[str] = set()

    def sync_files() -> None:
        for filename in sorted(touched):
            try:
                fd = os.open(resolve_warc_path(warc_dir, filename), os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        touched.clear()

    live = LiveIngest(
        open_archive(Path(options["db"])),
        warc_dir,
        workers=options["workers"],
        budget=IngestBudget(page_seconds=options["page_seconds"], extractor=options["extractor"]),
        before_commit=sync_files if options["fsync"] else touched.clear,
    )
    counts = IngestCounts()
    reported_at = 0.0
    unreported = False

    def count(outcomes: list) -> bool:
        for outcome in outcomes:
            counts.actions[outcome.action] += 1
            if outcome.article_status:
                counts.article_statuses[outcome.article_status] += 1
        counts.failures = list(live.failures)
        counts.pages_lost = len(live.pages_lost)
        return bool(outcomes)

    try:
        while True:
            if orders.poll(IDLE_SECONDS):
                order = orders.recv()
                if order[0] == "submit":
                    touched.update(filename for filename, _ in order[1])
                    live.submit([RecordLocation(filename, offset, 0) for filename, offset in order[1]])
                elif order[0] == "flush":
                    count(live.flush())
                    reports.send(("flushed", counts))
                    continue
                elif order[0] == "close":
                    count(live.close())
                    reports.send(("closed", counts))
                    return
            unreported = count(live.poll()) or unreported
            if unreported and time.monotonic() - reported_at >= REPORT_SECONDS:
                reports.send(("stored", counts))
                reported_at, unreported = time.monotonic(), False
    except (EOFError, BrokenPipeError):
        count(live.close())  # the crawl is gone: store what was handed over, then stop


if __name__ == "__main__":
    # Through the module's importable name, so what it sends unpickles as archive.live_store's classes.
    from archive.live_store import _store_main

    _store_main(
        Connection(int(sys.argv[1]), writable=False),
        Connection(int(sys.argv[2]), readable=False),
        json.loads(sys.argv[3]),
    )
