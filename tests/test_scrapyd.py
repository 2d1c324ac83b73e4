"""A real Scrapyd on loopback: deploy the project as an egg with scrapyd-deploy, schedule a crawl, find the
collection it wrote.

The project is copied to a temporary folder first (scrapy.cfg, pyproject.toml, archive/, crawler/):
scrapyd-deploy writes setup.py, build/ and *.egg-info next to scrapy.cfg, which must not happen in the
working tree. sitemodel/ is left out of the copy, so the egg proves the crawl does not need it; the copy's
BOT_NAME is changed, so the job's log proves its settings came from the egg and not from the checkout.
The site model is reached through the ``ARCHIVE_HTTP_PROXY`` setting, since Scrapyd does not hand our
environment (``http_proxy``) to its jobs in any way a scheduler controls.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from sitemodel.server import SiteModel
from tests.conftest import REPO, SEED_URL

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
PROJECT = "minzu_archive"
EGG_BOT_NAME = "minzu-archive-from-egg"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    """GET (or POST form ``data`` to) one Scrapyd JSON endpoint."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + endpoint, data=body, timeout=10) as reply:
        answer = json.load(reply)
    assert answer.get("status") == "ok", answer
    return answer


@dataclass
class Scrapyd:
    url: str
    home: Path
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scrapyd]:
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    for folder in ("eggs", "logs", "dbs"):
        (home / folder).mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "items_dir =\n"
        "max_proc = 1\n"
        "poll_interval = 0.2\n",
        encoding="utf-8",
    )
    log = (home / "scrapyd.out").open("wb")
    # cwd = home: Scrapyd reads ./scrapyd.conf, and no scrapy.cfg above it gives it a project by accident.
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                api(base, "daemonstatus.json")
                break
            except OSError:
                assert process.poll() is None, (home / "scrapyd.out").read_text()
                assert time.monotonic() < deadline, "Scrapyd did not start"
                time.sleep(0.2)
        yield Scrapyd(base, home, process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def project_copy(target: Path, scrapyd_url: str) -> Path:
    """The deployable parts of the checkout, with a deploy target pointing at the test's Scrapyd."""
    target.mkdir()
    for name in ("scrapy.cfg", "pyproject.toml"):
        shutil.copy(REPO / name, target / name)
    for package in ("archive", "crawler"):
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    settings = target / "crawler" / "settings.py"
    text = settings.read_text(encoding="utf-8")
    assert 'BOT_NAME = "minzu-archive"' in text
    settings.write_text(text.replace('BOT_NAME = "minzu-archive"', f'BOT_NAME = "{EGG_BOT_NAME}"'), "utf-8")
    with (target / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:test]\nurl = {scrapyd_url}\nproject = {PROJECT}\n")
    return target


IMPORT_THE_CRAWLER = """
import importlib, pkgutil, sys
import crawler
for module in pkgutil.walk_packages(crawler.__path__, "crawler."):
    importlib.import_module(module.name)
print(sorted(name for name in sys.modules if name.split(".")[0] == "sitemodel"))
"""


def test_crawl_needs_nothing_from_sitemodel() -> None:
    """The crawler and everything it pulls in from archive/ load without the site model (the CLI's
    ``demo`` command may use it; a deployed crawl never runs that)."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_THE_CRAWLER], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_deploy_schedule_and_find_the_collection(
    scrapyd: Scrapyd, site_model: SiteModel, tmp_path: Path
) -> None:
    project = project_copy(tmp_path / "project", scrapyd.url)
    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "test", "--version", "r1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    answer = json.loads(deploy.stdout)  # scrapyd-deploy exits 0 even when Scrapyd rejects the egg
    assert "'NoneType' object has no attribute 'module_name'" not in answer.get("message", ""), (
        "the egg has no [scrapy] settings entry point: pyproject.toml needs\n"
        '[project.entry-points.scrapy]\nsettings = "crawler.settings"'
    )
    assert answer["status"] == "ok" and answer["spiders"] == 1, answer
    assert api(scrapyd.url, f"listspiders.json?project={PROJECT}")["spiders"] == ["minzu"]

    collection = tmp_path / "collection"
    seen_before = len(site_model.requests)
    settings = {
        "ARCHIVE_DIR": str(collection),
        "ARCHIVE_HTTP_PROXY": site_model.proxy_url,
        "CLOSESPIDER_PAGECOUNT": "5",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "LOG_LEVEL": "INFO",
    }
    job = api(
        scrapyd.url,
        "schedule.json",
        [
            ("project", PROJECT),
            ("spider", "minzu"),
            ("start_urls", SEED_URL),
            ("allowed_domains", "www.56-china.com.cn"),
            *[("setting", f"{name}={value}") for name, value in settings.items()],
        ],
    )["jobid"]

    deadline = time.monotonic() + 120
    while not any(j["id"] == job for j in api(scrapyd.url, f"listjobs.json?project={PROJECT}")["finished"]):
        assert time.monotonic() < deadline, "the Scrapyd job did not finish"
        time.sleep(0.3)

    job_log = next((scrapyd.home / "logs").rglob(f"{job}.log")).read_text(encoding="utf-8")
    assert f"(bot: {EGG_BOT_NAME})" in job_log  # settings loaded from the deployed egg
    assert "Traceback" not in job_log, job_log[-4000:]

    warcs = sorted((collection / "archive").glob("*.warc.gz"))
    assert warcs, job_log[-4000:]
    uris = []
    for path in warcs:
        check = subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        with path.open("rb") as stream:
            uris += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)]
    assert SEED_URL in uris and "http://www.56-china.com.cn/robots.txt" in uris

    with sqlite3.connect(collection / "archive.db") as db:
        (status,) = db.execute(
            "SELECT status FROM captures WHERE url = ? AND record_type = 'response'", (SEED_URL,)
        ).fetchone()
        responses = db.execute("SELECT count(*) FROM captures WHERE record_type = 'response'").fetchone()[0]
    assert status == 200
    # CLOSESPIDER_PAGECOUNT=5 stopped the crawl: requests already handed to the downloader (up to
    # CONCURRENT_REQUESTS=8 in flight, more queued in the slot) still complete, far short of the ~145 URLs.
    assert 2 <= responses <= 30

    served = site_model.requests[seen_before:]
    assert served and all(r.proxied for r in served)  # every request, robots.txt included, via the proxy
    assert any(r.url.endswith("/robots.txt") for r in served)
