"""A rebuild killed at any point, early or late, loses nothing it had committed, and nothing ingested
before it started; running it again completes the archive as if it had never been stopped."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.db.schema import open_archive
from archive.rebuild import rebuild
from tests.conftest import REPO
from tests.test_db_warcs import dump_content
from tests.test_warc_damage import write_article_warc

FILES = 4


@pytest.fixture(scope="module")
def warcs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("kills")
    return [write_article_warc(root / f"crawl-{n}").path for n in range(FILES)]


def rebuild_in_a_child(warcs: list[Path], db_path: Path) -> subprocess.Popen:
    code = "import sys; from archive.rebuild import rebuild; rebuild(sys.argv[2:], sys.argv[1], workers=2)"
    return subprocess.Popen(
        [sys.executable, "-c", code, str(db_path), *map(str, warcs)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its workers too are killed with it, as a power cut would
    )


def record_keys(db_path: Path) -> set[tuple[str, int]]:
    db = open_archive(db_path)
    try:
        return set(db.execute("SELECT warc_filename, warc_offset FROM warc_records").fetchall())
    finally:
        db.close()


def test_kills_at_random_points_lose_nothing_committed(warcs: list[Path], tmp_path: Path) -> None:
    complete = tmp_path / "complete.db"
    started = time.monotonic()
    rebuild(warcs, complete, workers=2)
    duration = time.monotonic() - started
    everything = dump_content(open_archive(complete, readonly=True))
    first_file = {key for key in record_keys(complete) if key[0] == warcs[0].name}

    rng = random.Random(20261202)
    fractions = [rng.uniform(0.05, 0.5) for _ in range(2)] + [rng.uniform(0.7, 1.0) for _ in range(3)]
    killed = 0
    db_path = tmp_path / "killed.db"
    rebuild(warcs[:1], db_path, workers=0)  # ingested before: must survive every kill
    for fraction in fractions:
        before = record_keys(db_path)
        child = rebuild_in_a_child(warcs, db_path)
        time.sleep(fraction * duration)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            killed += 1
        child.wait()
        after = record_keys(db_path)
        assert first_file <= after  # what was there before is never lost
        assert before <= after  # nor anything an earlier, killed run had committed
        assert after <= record_keys(complete)
    assert killed >= 2  # the early kills at least found it running
    rebuild(warcs, db_path, workers=2)
    assert dump_content(open_archive(db_path, readonly=True)) == everything
