"""What importing Datasette brings that ``serve`` never uses, kept out of its start.

Datasette's import was nearly all of ``serve``'s start (0.6 s of 0.62 on a quiet machine), and most of
it went to two things nothing here uses:

* Datasette 0.65 builds a pint ``UnitRegistry`` when ``datasette.views.base`` is imported, parsing
  pint's whole definitions file. The registry only answers columns that declare units in the metadata
  (``?col__gt=5km``) and plugins that define units; an archive declares none. Until something asks
  for more than its name, the vendored pint module is a stand-in whose ``UnitRegistry`` builds the
  real registry on first use, with the same arguments; any other name loads the real module.
* httpx imports its command-line client whenever the libraries that client needs are installed
  (rich, pygments, click: here they are, for other reasons). httpx takes a failed import of it as
  "the ``httpx[cli]`` extra is not installed"; Datasette uses only httpx's client.

:func:`lean_datasette_start` does both before Datasette is first imported; for whatever was already
imported, it changes nothing.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

PINT_MODULE = "datasette.vendored.pint"
_IMPORTED_BY = "datasette.views.base"
HTTPX_CLI_MODULE = "httpx._main"


class RegistryOnDemand:
    """Stands for ``pint.UnitRegistry(...)``: the real registry is built by the first attribute read or
    call, with the arguments it was made with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._arguments = (args, kwargs)
        self._registry: Any = None

    def built(self) -> Any:
        if self._registry is None:
            args, kwargs = self._arguments
            self._registry = real_pint().UnitRegistry(*args, **kwargs)
        return self._registry

    def __getattr__(self, name: str) -> Any:
        return getattr(self.built(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.built()(*args, **kwargs)


def real_pint() -> types.ModuleType:
    """The vendored pint module itself, imported now if only the stand-in was."""
    module = sys.modules.get(PINT_MODULE)
    if module is not None and not getattr(module, "is_stand_in", False):
        return module
    sys.modules.pop(PINT_MODULE, None)
    return importlib.import_module(PINT_MODULE)


def lean_datasette_start() -> None:
    """Both changes of this module's docstring, each only if it is not too late for it."""
    defer_unit_registry()
    if "httpx" not in sys.modules:
        sys.modules.setdefault(HTTPX_CLI_MODULE, None)  # type: ignore[arg-type]  # None: import fails


def defer_unit_registry() -> None:
    """Put the stand-in in place, before Datasette's views are imported."""
    if PINT_MODULE in sys.modules or _IMPORTED_BY in sys.modules:
        return
    stand_in = types.ModuleType(PINT_MODULE, "Stand-in for the vendored pint until it is needed.")
    stand_in.is_stand_in = True  # type: ignore[attr-defined]
    stand_in.UnitRegistry = RegistryOnDemand  # type: ignore[attr-defined]
    stand_in.__getattr__ = lambda name: getattr(real_pint(), name)  # type: ignore[method-assign]
    sys.modules[PINT_MODULE] = stand_in
