"""Commands that only read the archive start fast: none of them imports the extraction or crawl stack,
and search, show, history and the article exports import nothing else they do not use either.

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

# What search, show, history and the article exports start without, each of them a large share of their
# start-up: sqlite-utils (they read through the standard sqlite3 module, archive.db.readonly),
# tldextract and what it brings (surt imports it, and a SURT key never uses it), tqdm (no progress bar
# off a terminal), and Datasette.
LIGHT_READ_FORBIDDEN = {"sqlite_utils", "tldextract", "requests", "tqdm", "datasette"}
# The search tokenizer and matcher: only `search` uses them (the SQL functions load them on first call).
SEARCH_MODULES = ("archive.db.cjk", "archive.db.matching", "archive.db.search", "archive.db.search_index")

RUN_AND_LIST_MODULES = """
import json, sys
from cli.main import run
status = run(sys.argv[2:])
with open(sys.argv[1], "w") as fh:  # a None entry marks a module kept from loading, not a loaded one
    json.dump(sorted(name for name, module in sys.modules.items() if module is not None), fh)
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


LIGHT_READ_COMMANDS = {
    name: READ_COMMANDS[name]
    for name in (
        "search",
        "show",
        "show, URL as typed",
        "history",
        "export jsonl",
        "export csv",
        "export markdown",
    )
}


def forbidden_in(modules: list[str], packages: set[str], prefixes: tuple[str, ...] = ()) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in packages or name.startswith(prefixes))


@pytest.mark.parametrize("command", LIGHT_READ_COMMANDS.values(), ids=LIGHT_READ_COMMANDS.keys())
def test_search_show_history_and_exports_load_only_what_they_use(
    inputs: Inputs, command: str, tmp_path: Path
) -> None:
    modules = loaded_modules(inputs.args(command), tmp_path)
    assert "archive.db.readonly" in modules  # the listing is real: the archive was opened
    assert forbidden_in(modules, LIGHT_READ_FORBIDDEN) == []
    if not command.startswith("search"):
        assert forbidden_in(modules, set(), SEARCH_MODULES) == []


def test_a_url_typed_in_another_form_is_keyed_without_tldextract(inputs: Inputs, tmp_path: Path) -> None:
    modules = loaded_modules(inputs.args(READ_COMMANDS["show, URL as typed"]), tmp_path)
    assert "surt" in modules  # the SURT lookup ran...
    assert forbidden_in(modules, {"tldextract", "requests"}) == []  # ...without what surt imports for nothing


@pytest.mark.parametrize("command", ["--help", "search --help"])
def test_help_opens_no_archive(inputs: Inputs, command: str, tmp_path: Path) -> None:
    modules = loaded_modules(inputs.args(command), tmp_path)
    assert "cli.main" in modules
    assert forbidden_in(modules, {"sqlite_utils", "tqdm", "datasette"}, ("archive.db",)) == []


def test_the_check_sees_sqlite_utils_where_it_is_used(inputs: Inputs, tmp_path: Path) -> None:
    """The counter-test: the WACZ export reads through sqlite-utils, and the listing shows it."""
    modules = loaded_modules(inputs.args(READ_COMMANDS["export wacz"]), tmp_path)
    assert "sqlite_utils" in modules


def test_the_check_sees_the_extraction_stack_where_it_is_used(inputs: Inputs, tmp_path: Path) -> None:
    """The counter-test: `extract` does load trafilatura, so the listing would show a leak."""
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>海西州被国家民委命名。</p></body></html>", encoding="utf-8")
    modules = loaded_modules(["extract", str(page)], tmp_path)
    assert "trafilatura" in modules and "archive.extract" in modules


# Loaded only when pint's unit registry is built, or with httpx's command-line client.
SERVE_UNUSED_PREFIXES = ("datasette.vendored.pint.", "httpx._main", "pygments", "rich.console")


def test_serve_answers_without_pint_definitions_or_the_httpx_client_cli(
    inputs: Inputs, tmp_path: Path
) -> None:
    """Datasette's unit registry and httpx's CLI were most of serve's start (archive.serve.lean_start)."""
    modules = loaded_modules(inputs.args(READ_COMMANDS["serve"]), tmp_path)
    assert "datasette.app" in modules and "httpx" in modules  # the request was answered by Datasette
    assert forbidden_in(modules, set(), SERVE_UNUSED_PREFIXES) == []


def test_the_check_sees_pint_when_datasette_is_imported_plainly(tmp_path: Path) -> None:
    """The counter-test: Datasette imported on its own builds the registry and loads httpx's CLI."""
    listing = tmp_path / "modules.json"
    code = f"import json, sys, datasette.app; json.dump(sorted(sys.modules), open({str(listing)!r}, 'w'))"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
    modules = json.loads(listing.read_text(encoding="utf-8"))
    assert "datasette.vendored.pint.facets" in modules and "httpx._main" in modules
