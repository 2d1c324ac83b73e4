"""`minzu-archive crawl` as a user and a scheduler meet it: exit codes, a quiet log, the summary, Ctrl-C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sitemodel.server import start_site_model
from tests.conftest import ORIGIN, REPO, cli

# The loopback model answers in milliseconds: no politeness delay (Scrapy's log level left at its default).
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "AUTOTHROTTLE_MAX_DELAY=0.25")


def _closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_crawl_that_fetches_nothing_exits_non_zero(tmp_path: Path) -> None:
    port = _closed_port()
    result = cli(
        "crawl",
        "--collection",
        str(tmp_path / "c"),
        "--start-url",
        f"http://127.0.0.1:{port}/",
        "-s",
        "ADDRESS_GUARD_ALLOWED=127.0.0.1",
        "-s",
        "RETRY_TIMES=0",
        "-s",
        "DOWNLOAD_DELAY=0",
        check=False,
    )
    assert result.returncode == 1
    assert "no response was received" in result.stderr
    assert "failed: connection_refused" in result.stdout


def test_a_refused_internal_address_is_named_with_the_way_to_allow_it(tmp_path: Path) -> None:
    port = _closed_port()
    result = cli(
        "crawl",
        "--collection",
        str(tmp_path / "c"),
        "--start-url",
        f"http://127.0.0.1:{port}/",
        *FAST,
        check=False,
    )
    assert result.returncode == 1
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "127.0.0.1 is an internal address" in warnings[0]  # once, not per request
    error, hint = result.stderr.strip().splitlines()[-2:]
    assert error == (
        "Error: no response was received: 127.0.0.1 is an internal address, and such requests are refused"
    )
    assert hint == "To crawl it anyway: -s ADDRESS_GUARD_ALLOWED=127.0.0.1"
    assert "refused: internal address" in result.stdout
    assert "see the failures in the summary above" not in result.stderr


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)


def test_ctrl_c_prints_the_summary_exits_130_and_resume_finishes(tmp_path: Path) -> None:
    """The first Ctrl-C stops the crawl cleanly: summary, exit 130, how to resume; the log stays quiet."""
    collection = tmp_path / "c"
    with start_site_model() as model:
        args = [
            "crawl",
            "--collection",
            str(collection),
            "--proxy",
            model.proxy_url,
            "--start-url",
            ORIGIN + "/",
            *FAST,
        ]
        process = subprocess.Popen(
            [sys.executable, "-m", "archive", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_for(lambda: len(model.requests) >= 20)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 130, stderr
        assert re.search(r"finish reason +shutdown\n", stdout)
        error, hint = stderr.strip().splitlines()[-2:]
        assert error == "Error: interrupted: the run is unfinished"
        assert hint == "Run the same command again with --resume to continue where it stopped."
        assert " INFO: " not in stderr and "Dumping Scrapy stats" not in stderr and "Traceback" not in stderr
        resumed = cli(*args, "--resume")
    assert re.search(r"finish reason +finished\n", resumed.stdout)
    from_archive = next(line for line in resumed.stdout.splitlines() if "from archive" in line)
    assert int(from_archive.split()[-1]) > 0  # what the first run archived was not fetched again


def test_verbose_shows_scrapys_log(tmp_path: Path) -> None:
    port = _closed_port()
    quiet = cli(
        "crawl",
        "--collection",
        str(tmp_path / "q"),
        "--start-url",
        f"http://127.0.0.1:{port}/",
        *FAST,
        check=False,
    )
    verbose = cli(
        "crawl",
        "-v",
        "--collection",
        str(tmp_path / "v"),
        "--start-url",
        f"http://127.0.0.1:{port}/",
        *FAST,
        check=False,
    )
    assert " INFO: " not in quiet.stderr
    assert "[scrapy.core.engine] INFO: Spider opened" in verbose.stderr
