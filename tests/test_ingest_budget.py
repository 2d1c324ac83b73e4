"""Every page's extraction runs on a clock in a worker process that can be killed: a page over its time
budget is stored as ``timeout``, a page whose worker dies as ``error``, the rest of the run goes on, and
a later run with a larger budget extracts them. In a rebuild and in a live crawl alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.db.schema import open_archive
from archive.ingest_workers import IngestBudget
from archive.rebuild import rebuild
from archive.warc.records import HttpResponseData, build_response_record
from archive.warc.writer import RotatingWarcWriter
from tests.conftest import LOOPBACK_SETTINGS, ORIGIN, REPO, SEED_URL, CrawledCollection
from tests.printing_extractor import MARK
from tests.stalling_extractor import CRASH_MARK, STALL_MARK, STALL_URLS_VARIABLE

HOOK = "tests.stalling_extractor:extract"
# Far above what a small page costs even on a loaded machine, far below the stall (120 s).
BUDGET_SECONDS = 5.0
SITE = "http://pages.example"
PARAGRAPH = "民族团结进步是各族人民的生命线，这篇文章记下了一个村庄几十年的变化和人们的故事。"


def page(title: str, mark: bytes = b"") -> bytes:
    body = "".join(f"<p>{title}：{PARAGRAPH}</p>" for _ in range(6))
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
    return html.encode("utf-8") + mark


def write_pages(directory: Path, bodies: dict[str, bytes]) -> Path:
    with RotatingWarcWriter(directory, prefix="budget", warcinfo_fields={"run-id": "budget"}) as writer:
        for url, body in bodies.items():
            headers = [("Content-Type", "text/html; charset=utf-8")]
            writer.write(
                build_response_record(
                    HttpResponseData(url, 200, "OK", headers, body), warc_date="2026-01-01T00:00:00Z"
                )
            )
    [path] = directory.glob("*.warc.gz")
    return path


def statuses(db_path: Path) -> dict[str, str]:
    db = open_archive(db_path, readonly=True)
    return dict(db.execute("SELECT url, status FROM articles").fetchall())


@pytest.fixture(scope="module")
def hostile_warc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bodies = {f"{SITE}/{n}.html": page(f"第{n}篇") for n in range(6)}
    bodies[f"{SITE}/stalls.html"] = page("卡住的一页", STALL_MARK)
    bodies[f"{SITE}/kills.html"] = page("致命的一页", CRASH_MARK)
    bodies[f"{SITE}/after.html"] = page("之后的一页")
    return write_pages(tmp_path_factory.mktemp("hostile"), bodies)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_over_budget_is_stored_as_timeout_and_the_run_goes_on(
    hostile_warc: Path, tmp_path: Path, workers: int
) -> None:
    db_path = tmp_path / "a.db"
    report = rebuild([hostile_warc], db_path, workers=workers, budget=IngestBudget(BUDGET_SECONDS, HOOK))
    found = statuses(db_path)
    assert found.pop(f"{SITE}/stalls.html") == "timeout"
    assert found.pop(f"{SITE}/kills.html") == "error"
    assert set(found.values()) == {"ok"} and len(found) == 7
    assert sorted(lost.status for lost in report.pages_lost) == ["error", "timeout"]
    db = open_archive(db_path, readonly=True)
    errors = dict(db.execute("SELECT url, error FROM articles WHERE status <> 'ok'").fetchall())
    assert f"longer than {BUDGET_SECONDS:g} s" in errors[f"{SITE}/stalls.html"]
    assert "worker died" in errors[f"{SITE}/kills.html"]
    # Their WARC records are intact: a run with the real extractor extracts them.
    rebuild([hostile_warc], db_path, workers=workers)
    assert set(statuses(db_path).values()) == {"ok"}


def test_without_workers_there_is_no_clock_but_the_same_rows(hostile_warc: Path, tmp_path: Path) -> None:
    """workers=0 extracts in the rebuilding process (nothing can interrupt it there): with the real
    extractor the rows equal a run with workers."""
    rebuild([hostile_warc], tmp_path / "zero.db", workers=0)
    rebuild([hostile_warc], tmp_path / "two.db", workers=2)
    assert statuses(tmp_path / "zero.db") == statuses(tmp_path / "two.db")


def test_a_live_crawl_stores_a_stalling_page_as_timeout_and_finishes(
    crawled: CrawledCollection, tmp_path: Path
) -> None:
    collection = tmp_path / "collection"
    settings = [*LOOPBACK_SETTINGS, f"ARCHIVE_PAGE_SECONDS={BUDGET_SECONDS:g}", f"ARCHIVE_EXTRACTOR={HOOK}"]
    command = [sys.executable, "-m", "archive", "crawl", "--collection", str(collection)]
    command += ["--proxy", crawled.model.proxy_url, "--start-url", ORIGIN + "/", "--start-url", SEED_URL]
    command += [arg for setting in settings for arg in ("-s", setting)]
    environment = {**os.environ, STALL_URLS_VARIABLE: SEED_URL}
    result = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    found = statuses(collection / "archive.db")
    assert found.pop(SEED_URL) == "timeout"
    assert found and "timeout" not in found.values()
    live = open_archive(collection / "archive.db", readonly=True)
    [stats] = live.execute("SELECT stats FROM crawl_runs").fetchone()
    assert json.loads(stats)["stats"]["ingest/pages_over_budget"] == 1
    # The rest of the crawl is the same as a crawl without the stall.
    reference = statuses(crawled.db_path)
    assert found == {url: status for url, status in reference.items() if url != SEED_URL}
    # Rebuilt with the real extractor, the page is an article again.
    rebuilt = tmp_path / "rebuilt.db"
    rebuild([collection / "archive"], rebuilt, workers=1)
    assert statuses(rebuilt)[SEED_URL] == "ok"


def test_workers_that_leave_at_once_hand_over_their_output_and_exit_cleanly(
    hostile_warc: Path, tmp_path: Path
) -> None:
    """Workers skip the interpreter's teardown when told to stop; what they wrote to a piped standard
    output (block-buffered) still reaches it, and the rebuild ends as usual."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from archive.ingest_workers import IngestBudget\n"
        "from archive.rebuild import rebuild\n"
        "report = rebuild([Path(sys.argv[1])], Path(sys.argv[2]), workers=2,\n"
        "                 budget=IngestBudget(60, 'tests.printing_extractor:extract'))\n"
        "print('pages lost', len(report.pages_lost))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(hostile_warc), str(tmp_path / "p.db")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": ""},  # buffered, as by default
    )
    assert done.returncode == 0, done.stderr
    # the stalling and crashing pages are extracted for real here, since only their marks differ
    printed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith(MARK)}
    assert printed == set(statuses(tmp_path / "p.db"))
    assert "pages lost 0" in done.stdout
