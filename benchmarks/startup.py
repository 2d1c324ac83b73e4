"""How long the commands that read the archive take as a new process, against the interpreter's own start.

    python -m benchmarks startup [--repetitions N] [--quick] [--archive DB]

Each command runs as a user runs it (``python -m archive ...`` in a fresh interpreter), so its wall time is
mostly start-up: the imports a command pays for before it does any work. Two floors are measured in the
same run, taking turns with the commands (one round of every command after another, so a burst of load
hits all alike): ``python -c pass``, the interpreter alone, and ``python -c "import sqlite3"``, the least
a command that opens a SQLite file can load. Beside each command: its median above that floor, and
its own time in process (the same command run again in this process, imports done): what is left of the
wall time after both is start-up that is ours. ``serve`` is timed until its port accepts a connection.
Beside the commands, ``import datasette.app, uvicorn`` in a bare interpreter shows what Datasette's
import costs without ``serve``'s lean start (``archive.serve.lean_start``). The target is 0.3 s for
every command. The children write and use bytecode caches, as an
installed package has them (``PYTHONDONTWRITEBYTECODE`` is not passed on), after one untimed round.

Without ``--archive``, the archive is a one-article file built here; with it, an existing archive (e.g. the
demo's) is read, and show and history use its newest article.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from archive.sites import DEFAULT_SITE
from benchmarks.common import REPO, machine_line, spread

URL = f"https://{DEFAULT_SITE.host}/show-case-1.html"
TEXT = "海西州被国家民委命名为全国民族团结进步示范州。" * 20
FLOORS = ("python -c pass (floor)", 'python -c "import sqlite3" (floor)')
DATASETTE_PLAIN = "import datasette.app, uvicorn (plain, for comparison)"
SERVING = re.compile(r"Serving .* at http://127\.0\.0\.1:(\d+)/")
# The children write and use bytecode caches (__pycache__), as an installed package has them: with
# PYTHONDONTWRITEBYTECODE set, every project module would be compiled from source at every start.
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def build_archive(path: Path) -> None:
    """A current archive with one article and its capture: enough for every read command to do its work."""
    from archive.db.schema import open_archive
    from archive.db.search import index_article

    db = open_archive(path)
    with db.conn:
        db.execute(
            "INSERT INTO captures (record_id, url, url_key, fetched_at, record_type, status, mime_type,"
            " warc_filename, warc_offset) VALUES ('<urn:uuid:1>', ?, 'cn,com,56-china)/show-case-1.html',"
            " '2024-01-01T00:00:00Z', 'response', 200, 'text/html', 'a.warc.gz', 0)",
            [URL],
        )
        db.execute(
            "INSERT INTO articles (capture_id, url, status, title, published, text)"
            " VALUES ('<urn:uuid:1>', ?, 'ok', '海西纪事', '2018-05-18', ?)",
            [URL, TEXT],
        )
        index_article(db, "<urn:uuid:1>", "海西纪事", TEXT)
    db.close()


def newest_article_url(db: Path) -> str:
    import sqlite3

    with contextlib.closing(sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
        row = conn.execute(
            "SELECT a.url FROM articles a JOIN captures c ON c.record_id = a.capture_id"
            " WHERE a.status = 'ok' ORDER BY c.fetched_at DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit(f"{db} holds no article")
    return row[0]


def command_lines(db: Path, url: str, workdir: Path) -> dict[str, list[str]]:
    """Each command's arguments after ``python -m archive``."""
    return {
        "search --help": ["search", "--help"],
        "search": ["search", str(db), "海西"],
        "show (exact URL)": ["show", str(db), url],
        "show (http form, SURT lookup)": ["show", str(db), url.replace("https:", "http:")],
        "history": ["history", str(db), url],
        "export jsonl": ["export", "jsonl", str(db), "-o", str(workdir / "a.jsonl")],
        "export csv": ["export", "csv", str(db), "-o", str(workdir / "a.csv")],
        "serve --get (Datasette)": ["serve", str(db), "--get", "/archive.json"],
    }


def time_once(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=CHILD_ENV, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {result.returncode}: {result.stderr.decode()[-2000:]}"
        )
    return seconds


def time_serve_once(db: Path) -> float:
    """From start until the server's port accepts a connection (it prints the port before it listens)."""
    command = [sys.executable, "-m", "archive", "serve", str(db), "--port", "0"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = SERVING.search(line)
        if found is None:
            raise RuntimeError(f"{' '.join(command)}: no address in {line!r} {process.stderr.read()[-2000:]}")
        port = int(found.group(1))
        while True:
            with contextlib.suppress(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
                return time.perf_counter() - started
            if process.poll() is not None:
                raise RuntimeError(f"{' '.join(command)} exited {process.returncode} before listening")
            time.sleep(0.002)
    finally:
        process.terminate()
        process.wait(timeout=30)


def in_process_seconds(args: list[str], repetitions: int) -> float:
    """Median time of the command run in this process after one untimed run (its imports done)."""
    from cli.main import run

    def once() -> float:
        sink = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            status = run(args)
        seconds = time.perf_counter() - started
        if status != 0:
            raise RuntimeError(f"{' '.join(args)} exited {status} in process: {sink.getvalue()[-2000:]}")
        return seconds

    once()
    return statistics.median(once() for _ in range(repetitions))


def load_line(when: str) -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repetitions", type=int, default=None, help="runs per command (default 15; 2 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: a smoke run, not figures")
    parser.add_argument("--archive", type=Path, default=None, help="an existing archive.db to read")
    args = parser.parse_args(argv)
    repetitions = args.repetitions or (2 if args.quick else 15)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="minzu-startup-") as scratch:
        workdir = Path(scratch)
        if args.archive is None:
            db = workdir / "archive.db"
            build_archive(db)
            url = URL
        else:
            db = args.archive.resolve()
            url = newest_article_url(db)
        lines = command_lines(db, url, workdir)
        runs: dict[str, Callable[[], float]] = {
            FLOORS[0]: lambda: time_once([python, "-c", "pass"]),
            FLOORS[1]: lambda: time_once([python, "-c", "import sqlite3"]),
        }
        for label, line in lines.items():
            runs[label] = lambda line=line: time_once([python, "-m", "archive", *line])
        runs[DATASETTE_PLAIN] = lambda: time_once([python, "-c", "import datasette.app, uvicorn"])
        runs["serve, until it listens"] = lambda: time_serve_once(db)
        print(machine_line())
        print(load_line("before"))
        for run_once in runs.values():  # untimed: writes the bytecode caches, warms the file cache
            run_once()
        times: dict[str, list[float]] = {label: [] for label in runs}
        for _ in range(repetitions):  # round-robin, so a burst of machine load hits every command alike
            for label, run_once in runs.items():
                times[label].append(run_once())
        print(load_line("after the new processes"))
        own = {label: in_process_seconds(line, max(3, repetitions // 3)) for label, line in lines.items()}
    floor = statistics.median(times[FLOORS[1]])
    print(f"\nWall time of each command as a new process, {repetitions} runs each (ms); archive: ", end="")
    print("one article" if args.archive is None else str(args.archive))
    print("| command | min | median | max | median above its floor | in process (median) |")
    print("|---|---|---|---|---|---|")
    for label, values in times.items():
        low, mid, high = spread(values)
        above = "" if label in (*FLOORS, DATASETTE_PLAIN) else f"{1000 * (mid - floor):.0f}"
        inside = f"{1000 * own[label]:.1f}" if label in own else ""
        print(f"| {label} | {1000 * low:.0f} | {1000 * mid:.0f} | {1000 * high:.0f} | {above} | {inside} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
