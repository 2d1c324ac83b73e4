"""Shared fixtures: the site model on loopback and one crawl of it, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitemodel.server import SiteModel, start_site_model

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_GOLD = SHARED / "seed" / "article.gold.json"
ORIGIN = "http://www.56-china.com.cn"  # the shared crawl below uses the http form the model also serves
HTTPS_ORIGIN = "https://www.56-china.com.cn"  # as the real site serves it: re-crawl tests and the demo
SEED_URL = ORIGIN + "/show-case-1616.html"

# The loopback model answers in milliseconds: no politeness delay needed (the rest of the settings are the
# real-site defaults, so this crawl exercises what `minzu-archive crawl` does on the real site).
LOOPBACK_SETTINGS = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_START_DELAY=0",
    "AUTOTHROTTLE_MAX_DELAY=0.25",
    "AUTOTHROTTLE_TARGET_CONCURRENCY=2",
    "LOG_LEVEL=INFO",
)


def cli(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m archive ...` the way a user runs the console script."""
    result = subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"minzu-archive {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def site_model() -> Iterator[SiteModel]:
    with start_site_model() as model:
        yield model


@dataclass
class CrawledCollection:
    path: Path
    model: SiteModel
    output: subprocess.CompletedProcess[str]

    @property
    def db_path(self) -> Path:
        return self.path / "archive.db"

    @property
    def warc_files(self) -> list[Path]:
        return sorted((self.path / "archive").glob("*.warc.gz"))


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory, site_model: SiteModel) -> CrawledCollection:
    """One full crawl of the site model through the CLI, shared by the end-to-end tests."""
    collection = tmp_path_factory.mktemp("collection")
    settings = [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    output = cli(
        "crawl",
        "--collection",
        str(collection),
        "--proxy",
        site_model.proxy_url,
        "--start-url",
        ORIGIN + "/",
        "--start-url",
        SEED_URL,
        *settings,
    )
    return CrawledCollection(collection, site_model, output)
