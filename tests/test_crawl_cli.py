"""Exit codes of `minzu-archive crawl` that a scheduler relies on."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import cli


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
