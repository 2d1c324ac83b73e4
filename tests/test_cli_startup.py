"""Commands that only read the archive start fast: none of them imports the extraction or crawl stack.

Each command runs in a fresh interpreter, as a user runs it, and reports every module it loaded. (The
start-up time itself is measured by `python -m benchmarks.startup`, not here: no timed tests.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_cli_bad_input import SEED_URL, Inputs, build_inputs

# Top-level packages of extraction (trafilatura and what it brings) and crawling (Scrapy, Twisted).
HEAVY_PACKAGES = {
    "trafilatura",
    "justext",
    "htmldate",
    "courlan",
    "lxml",
    "scrapy",
    "twisted",
    "crawler",
    "sitemodel",
}
# Our own modules that pull those in.
HEAVY_MODULES = ("archive.extract", "archive.db.ingest", "archive.db.article_rows", "archive.rebuild")

RUN_AND_LIST_MODULES = """
import json, sys
from cli.main import run
status = run(sys.argv[2:])
with open(sys.argv[1], "w") as fh:
    json.dump(sorted(sys.modules), fh)
sys.exit(status)
"""

READ_COMMANDS = {
    "help": "--help",
    "search help": "search --help",
    "search": "search {db} 海西 --json",
    "show": f"show {{db}} {SEED_URL}",
    "show, URL as typed": f"show {{db}} {SEED_URL.replace('https:', 'http:')}",
    "history": f"history {{db}} {SEED_URL}",
    "export jsonl": "export jsonl {db} -o {new}/startup.jsonl",
    "export csv": "export csv {db} -o {new}/startup.csv",
    "export markdown": "export markdown {db} -o {new}/startup-md",
    "export wacz": "export wacz {collection} -o {new}/startup.wacz",
    "serve": "serve {db} --get /archive.json",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    return build_inputs(tmp_path_factory.mktemp("startup"))


def loaded_modules(args: list[str], tmp_path: Path) -> list[str]:
    listing = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, str(listing), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(listing.read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", READ_COMMANDS.values(), ids=READ_COMMANDS.keys())
def test_read_commands_load_no_extraction_or_crawl_stack(
    inputs: Inputs, command: str, tmp_path: Path
) -> None:
    modules = loaded_modules(inputs.args(command), tmp_path)
    assert "cli.main" in modules  # the listing is real: it holds what ran
    heavy = sorted(
        name for name in modules if name.split(".")[0] in HEAVY_PACKAGES or name.startswith(HEAVY_MODULES)
    )
    assert heavy == []


def test_the_check_sees_the_extraction_stack_where_it_is_used(inputs: Inputs, tmp_path: Path) -> None:
    """The counter-test: `extract` does load trafilatura, so the listing would show a leak."""
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>海西州被国家民委命名。</p></body></html>", encoding="utf-8")
    modules = loaded_modules(["extract", str(page)], tmp_path)
    assert "trafilatura" in modules and "archive.extract" in modules
