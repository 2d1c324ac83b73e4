"""`export wacz`: package the crawled collection, validate it with py-wacz, and look inside."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from click.testing import CliRunner

from cli.commands.export import export
from tests.conftest import SEED_URL, CrawledCollection


def test_wacz_validates_and_holds_the_seed(crawled: CrawledCollection, tmp_path: Path) -> None:
    out = tmp_path / "collection.wacz"
    result = CliRunner().invoke(export, ["wacz", str(crawled.path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    validated = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0 and "is valid" in validated.stdout, validated.stdout + validated.stderr

    with zipfile.ZipFile(out) as wacz:
        names = set(wacz.namelist())
        assert {f"archive/{path.name}" for path in crawled.warc_files} <= names
        assert {"indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl", "datapackage.json"} <= names
        cdxj = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode("utf-8")
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        package = json.loads(wacz.read("datapackage.json"))

    assert any(json.loads(line.split(" ", 2)[2]).get("url") == SEED_URL for line in cdxj.splitlines())
    assert pages[0]["format"] == "json-pages-1.0"
    [seed] = [page for page in pages[1:] if page["url"] == SEED_URL]
    assert seed["title"].startswith("创建,永远在路上") and "海西州被国家民委命名" in seed["text"]
    assert seed["ts"].startswith("20")
    assert package["title"] == "《中国民族》网站档案"


def test_collection_without_warcs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(export, ["wacz", str(tmp_path / "empty"), "-o", str(tmp_path / "x.wacz")])
    assert result.exit_code != 0 and "no WARC files" in result.output
