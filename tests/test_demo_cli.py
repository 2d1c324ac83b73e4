"""`minzu-archive demo`, the README's first command, run as a user runs it."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_URL, cli

pytestmark = pytest.mark.e2e

# Labels of the summary: a run's figures, then the collection's over all runs, named so that none reads
# as another's contradiction (pages parsed in this run are not the collection's HTML URLs).
RUN_FIGURES = ("responses", "pages parsed", "errors", "warc bytes written", "seconds", "finish reason")
COLLECTION_FIGURES = ("html urls", "articles", "image urls", "warc bytes", "payload bytes", "errors")


def test_demo_builds_the_collection_and_prints_the_seed(tmp_path: Path, gold: dict) -> None:
    collection = tmp_path / "demo"
    result = cli("demo", "--collection", str(collection))
    out = result.stdout
    this_run, _, whole = out.partition("Collection (all runs)")
    assert this_run.startswith("Site model of") and "This run" in this_run
    for figure in RUN_FIGURES:
        assert f"  {figure} " in this_run, figure
    for figure in COLLECTION_FIGURES:
        assert f"  {figure} " in whole, figure
    assert not re.search(r"^  (pages|bytes) +\d", out, re.MULTILINE)  # the old ambiguous labels
    assert gold["title"] in out
    assert result.stderr == ""  # the demo is quiet: the summary is the report
    warcs = list((collection / "archive").glob("*.warc.gz"))
    assert warcs and not list((collection / "archive").glob("*.open"))
    conn = sqlite3.connect(collection / "archive.db")
    (runs,) = conn.execute("select count(*) from crawl_runs").fetchone()
    assert runs == 1
    shown = json.loads(cli("show", str(collection / "archive.db"), SEED_URL, "--json").stdout)
    assert shown["published"] == gold["date_published"]


def test_ctrl_c_during_the_demo_exits_130_with_the_resume_command(tmp_path: Path) -> None:
    collection = tmp_path / "demo"
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "demo", "--collection", str(collection)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((collection / "archive").glob("*.open")):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines() == [
        "Error: interrupted: the run is unfinished",
        f"Run `minzu-archive demo --collection {collection} --resume` to continue where it stopped.",
    ]
    assert re.search(r"finish reason +shutdown\n", stdout)
    assert not list((collection / "archive").glob("*.open"))  # the WARC file was closed cleanly


def test_scrapy_settings_reach_the_demo_crawl(tmp_path: Path) -> None:
    """`-s NAME=VALUE`, as crawl and replay take it: here a user agent, read back from the WARC file."""
    from warcio.archiveiterator import ArchiveIterator

    collection = tmp_path / "demo"
    cli("demo", "--collection", str(collection), "--articles", "10", "-s", "USER_AGENT=minzu-demo-check/1.0")
    agents = set()
    for path in (collection / "archive").glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request":
                    agents.add(record.http_headers.get_header("User-Agent"))
    assert agents == {"minzu-demo-check/1.0"}


def test_the_resume_hint_repeats_the_model_and_settings_the_run_used() -> None:
    """Resuming against a model of another size or version, or without the -s settings, would not
    continue the same run; the defaults are left out, as a user types the command."""
    import datetime as dt

    from cli.commands.crawling import _demo_command

    assert _demo_command(Path("collections/demo"), 1, 40, None, ()) == "demo --collection collections/demo"
    assert _demo_command(Path("my demo"), 2, 5000, dt.datetime(2026, 12, 4), ("USER_AGENT=a b/1",)) == (
        "demo --collection 'my demo' --site-version 2 --articles 5000 --as-of 2026-12-04 -s 'USER_AGENT=a b/1'"
    )
