"""`minzu-archive demo`, the README's first command, run as a user runs it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SEED_URL, cli

pytestmark = pytest.mark.e2e


def test_demo_builds_the_collection_and_prints_the_seed(tmp_path: Path, gold: dict) -> None:
    collection = tmp_path / "demo"
    result = cli("demo", "--collection", str(collection))
    out = result.stdout
    assert "This run" in out and "Collection" in out
    for figure in ("pages", "images", "bytes", "errors", "seconds", "warc bytes"):
        assert f"  {figure} " in out
    assert gold["title"] in out
    warcs = list((collection / "archive").glob("*.warc.gz"))
    assert warcs and not list((collection / "archive").glob("*.open"))
    conn = sqlite3.connect(collection / "archive.db")
    (runs,) = conn.execute("select count(*) from crawl_runs").fetchone()
    assert runs == 1
    shown = json.loads(cli("show", str(collection / "archive.db"), SEED_URL, "--json").stdout)
    assert shown["published"] == gold["date_published"]
