"""A reader's path through `serve`, in real headless Chromium: open the search query, type 海西, submit, and
find the seed article. The screenshot goes to test-artifacts/ for a human to look at."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import REPO, SEED_URL, CrawledCollection

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "test-artifacts"
# Runs the command object itself, so the test does not depend on how the CLI group registers it.
SERVE = "import sys; from cli.commands.serve import serve; serve(sys.argv[1:])"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"serve did not answer {url} within {seconds}s")


@pytest.fixture()
def served(crawled: CrawledCollection) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(crawled.db_path), "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", process)
        yield f"{base}/{crawled.db_path.stem}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_search_in_the_browser(served: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "serve-search-haixi.png"
    screenshot.unlink(missing_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(served + "/search")
            page.fill("input[name=q]", "海西")
            with page.expect_navigation():
                page.click("input[type=submit]")
            assert "q=%E6%B5%B7%E8%A5%BF" in page.url
            first_row = page.locator("table.rows-and-columns tbody tr").first
            first_row.wait_for()
            row_text = first_row.inner_text()
            assert "创建,永远在路上——青海省海西蒙古族藏族自治州创建全国民族团结进步示范州掠影" in row_text
            assert SEED_URL in row_text
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
