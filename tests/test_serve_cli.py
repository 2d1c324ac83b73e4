"""`minzu-archive serve` run live: `--port 0` prints the port it chose, and a visitor's 404 prints nothing."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO
from tests.test_cli_bad_input import Inputs, build_inputs


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    return build_inputs(tmp_path_factory.mktemp("serve"))


def _wait_until_listening(port: int, seconds: float = 30) -> None:
    """The address is printed before the server has bound it: wait for it, within bounds."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_port_0_prints_the_chosen_port_and_404s_stay_quiet(inputs: Inputs) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "serve", str(inputs.db), "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stderr.readline()
        found = re.fullmatch(r"Serving .* at (http://127\.0\.0\.1:(\d+)/archive)\n", first)
        assert found and int(found[2]) != 0, first
        _wait_until_listening(int(found[2]))
        assert _status(found[1] + ".json") == 200
        assert _status(f"http://127.0.0.1:{found[2]}/no/such/page") == 404
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stdout + stderr and "╭" not in stdout + stderr  # no Rich traceback either
    assert stdout == ""
