"""Layers point one way: the archive library never pulls in Scrapy or Twisted."""

import subprocess
import sys

IMPORT_ALL_ARCHIVE_MODULES = """
import importlib, pkgutil, sys
import archive
for module in pkgutil.walk_packages(archive.__path__, "archive."):
    if module.name != "archive.__main__":
        importlib.import_module(module.name)
leaked = sorted(name for name in sys.modules if name.split(".")[0] in {"scrapy", "twisted"})
print(len(list(pkgutil.walk_packages(archive.__path__, "archive."))))
assert not leaked, leaked
"""


def test_archive_package_never_imports_scrapy_or_twisted() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_ARCHIVE_MODULES], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5  # the walk really imported the library's modules


def test_sitemodel_never_imports_scrapy() -> None:
    code = "import sys, sitemodel.server; assert 'scrapy' not in sys.modules and 'twisted' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
