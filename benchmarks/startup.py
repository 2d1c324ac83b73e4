"""How long the commands that read the archive take from start to finish on a small archive.

    python -m benchmarks.startup [--repetitions N] [--quick]

Each command runs as a user runs it (``python -m archive ...`` in a fresh interpreter), so the figure is
dominated by start-up: the imports a command pays for before it does any work. The baselines, measured in
the same run: the bare interpreter, and importing the extraction stack (``archive.db.ingest``), which every
command used to load at start whether it extracted anything or not. The target is 0.3 s for search, show,
history and the exports; ``serve`` also loads Datasette, which it uses.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.sites import DEFAULT_SITE
from benchmarks.common import REPO, machine_line, row, table_header

URL = f"https://{DEFAULT_SITE.host}/show-case-1.html"
TEXT = "海西州被国家民委命名为全国民族团结进步示范州。" * 20


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


def commands(db: Path, workdir: Path) -> dict[str, list[str]]:
    python = sys.executable
    cli = [python, "-m", "archive"]
    return {
        "python -c pass (floor)": [python, "-c", "pass"],
        "import archive.db.ingest (old start-up)": [python, "-c", "import archive.db.ingest"],
        "search --help": [*cli, "search", "--help"],
        "search": [*cli, "search", str(db), "海西"],
        "show (exact URL)": [*cli, "show", str(db), URL],
        "show (http form, SURT lookup)": [*cli, "show", str(db), URL.replace("https:", "http:")],
        "history": [*cli, "history", str(db), URL],
        "export jsonl": [*cli, "export", "jsonl", str(db), "-o", str(workdir / "a.jsonl")],
        "export csv": [*cli, "export", "csv", str(db), "-o", str(workdir / "a.csv")],
        "serve --get (Datasette)": [*cli, "serve", str(db), "--get", "/archive.json"],
    }


def time_once(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {result.returncode}: {result.stderr.decode()[-2000:]}"
        )
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repetitions", type=int, default=None, help="runs per command (default 7; 2 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: a smoke run, not figures")
    args = parser.parse_args(argv)
    repetitions = args.repetitions or (2 if args.quick else 7)
    with tempfile.TemporaryDirectory(prefix="minzu-startup-") as scratch:
        workdir = Path(scratch)
        db = workdir / "archive.db"
        build_archive(db)
        table = commands(db, workdir)
        times: dict[str, list[float]] = {label: [] for label in table}
        for _ in range(repetitions):  # round-robin, so a burst of machine load hits every command alike
            for label, command in table.items():
                times[label].append(time_once(command))
    print(machine_line())
    print(table_header(f"Wall time from start to exit, {repetitions} runs each"))
    for label, values in times.items():
        print(row(label, values, "s"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
