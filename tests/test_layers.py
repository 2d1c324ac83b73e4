"""Layers point one way, checked by parsing every import (those inside functions included).

archive/ is the ground floor: WARC, extraction, SQLite. crawler/ and exports/ build on it, sitemodel/ stands
alone (the demo's stand-in for the real site), and the command line in cli/ builds on all of them. An import
hidden inside a function still counts: it is a dependency the first time that function runs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level names it must never import
FORBIDDEN: dict[str, set[str]] = {
    "archive": {"cli", "crawler", "exports", "sitemodel", "click", "scrapy", "twisted"},
    "crawler": {"cli", "exports", "sitemodel", "click"},
    "exports": {"cli", "crawler", "sitemodel", "click", "scrapy", "twisted"},
    "sitemodel": {"archive", "cli", "crawler", "exports", "click", "scrapy", "twisted"},
    "cli": set(),
}
# `python -m archive` is an alias of the command line: run, never imported by the library.
EXEMPT = {ROOT / "archive" / "__main__.py"}


def imported_top_levels(path: Path) -> set[str]:
    """Every top-level package a module imports, wherever in the module the import stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def layer_violations(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if path in EXEMPT:
            continue
        for name in sorted(imported_top_levels(path) & FORBIDDEN[package]):
            found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_the_layers_below(package: str) -> None:
    assert list((ROOT / package).rglob("*.py")), f"{package}/ has no modules: the check would prove nothing"
    assert layer_violations(package) == []


def test_the_parser_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from crawler.runner import run_crawl\n    import click.core\n")
    assert imported_top_levels(module) == {"crawler", "click"}


# click is left out here: Datasette, which archive/serve/ uses, imports it itself; the parse above checks ours.
IMPORT_ALL_ARCHIVE_MODULES = """
import importlib, pkgutil, sys
import archive
names = [m.name for m in pkgutil.walk_packages(archive.__path__, "archive.") if m.name != "archive.__main__"]
for name in names:
    importlib.import_module(name)
leaked = sorted(n for n in sys.modules if n.split(".")[0] in {"scrapy", "twisted", "cli", "crawler", "exports", "sitemodel"})
print(len(names))
assert not leaked, leaked
"""


def test_importing_the_whole_library_loads_no_upper_layer() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_ARCHIVE_MODULES], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5  # the walk really imported the library's modules


def test_only_the_site_definition_names_the_site_host() -> None:
    """The site's identity lives in archive/sites/: a second site is one new module, no other edit."""
    from archive.sites import DEFAULT_SITE

    naming = [
        str(path.relative_to(ROOT))
        for package in ("archive", "cli", "crawler", "exports", "benchmarks")
        for path in sorted((ROOT / package).rglob("*.py"))
        if DEFAULT_SITE.host in path.read_text(encoding="utf-8") and "sites" not in path.parts
    ]
    assert naming == []
