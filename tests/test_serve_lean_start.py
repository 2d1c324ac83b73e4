"""serve's lean start (archive.serve.lean_start) defers what Datasette loads for nothing, and loses none
of it: the unit registry is built, with its arguments, when something asks for it, and the rest of
pint stays reachable. Each check runs in a fresh interpreter: the deferral only acts before Datasette's
first import."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

UNITS_ON_DEMAND = """
import sys
import archive.serve  # the lean start, then Datasette
from datasette.views.base import ureg
assert "datasette.vendored.pint.facets" not in sys.modules, "registry built at import"
assert round(ureg("5 km").to("m").magnitude) == 5000
assert "datasette.vendored.pint.facets" in sys.modules
from datasette.vendored import pint
assert pint.Quantity(2, "m").magnitude == 2  # any other name: the real module
from datasette.filters import Filters
where, _params = Filters([("distance__gt", "5km")], {"distance": "m"}, ureg).build_where_clauses("t")
print(_params)
"""


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False)


def test_units_are_converted_once_asked_for() -> None:
    result = run_python(UNITS_ON_DEMAND)
    assert result.returncode == 0, result.stderr
    assert "5000" in result.stdout  # Datasette's unit filter turned 5km into the column's metres


def test_registry_arguments_are_kept() -> None:
    code = (
        "from archive.serve.lean_start import RegistryOnDemand\n"
        "plain = RegistryOnDemand()\n"
        "empty = RegistryOnDemand(None)  # pint's way to read no definitions file: it knows no unit\n"
        "try:\n"
        "    empty.get_name('metre')\n"
        "except Exception as error:\n"
        "    print(plain.get_name('metre'), type(error).__name__)\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["meter", "UndefinedUnitError"]


def test_nothing_is_changed_once_datasette_was_imported() -> None:
    code = (
        "import sys, datasette.app\n"
        "registry = sys.modules['datasette.views.base'].ureg\n"
        "import archive.serve\n"
        "assert not getattr(sys.modules['datasette.vendored.pint'], 'is_stand_in', False)\n"
        "assert type(registry).__name__ != 'RegistryOnDemand'\n"
        "assert sys.modules['httpx._main'] is not None\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
