"""The live status line: drawn on a terminal, absent from logs that are not one (cron, Scrapyd)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from crawler.progress import error_count, queue_length, wants_progress
from tests.conftest import LOOPBACK_SETTINGS, ORIGIN, REPO, CrawledCollection


def test_auto_means_a_terminal() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    assert wants_progress("auto", Tty()) is True
    assert wants_progress("auto", open("/dev/null")) is False
    assert wants_progress("true") is True and wants_progress(False) is False


def test_figures_come_from_scrapy_stats() -> None:
    stats = {"scheduler/enqueued": 12, "scheduler/dequeued": 5, "failures/timeout": 2, "failures/trap": 1}
    assert queue_length(stats) == 7
    assert error_count(stats) == 3


def test_no_status_line_in_a_log(crawled: CrawledCollection) -> None:
    assert "queue=" not in crawled.output.stderr + crawled.output.stdout


def test_status_line_on_a_terminal(tmp_path: Path, site_model) -> None:
    settings = [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    command = [
        sys.executable, "-m", "archive", "crawl", "--collection", str(tmp_path / "c"),
        "--proxy", site_model.proxy_url, "--start-url", ORIGIN + "/", "--max-pages", "40", *settings,
    ]  # fmt: skip
    # util-linux's `script` runs the crawl on a pseudo-terminal, as a person at a shell would.
    result = subprocess.run(
        ["script", "-qec", shlex.join(command), "/dev/null"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "queue=" in result.stdout and "responses" in result.stdout
