"""The ``surt`` package without the 0.2 s its import spends loading ``tldextract``.

``surt.handyurl`` imports ``tldextract`` (and through it ``requests``, ``idna``, ``filelock``) at the
top, but calls it only to cut a host down to its registered domain (``public_suffix=True``), which the
archive's keys never ask for. `show` and `history` make a key for a URL typed in another form than the
archived one, and that import would be most of their start-up. So ``surt`` is imported with a stand-in
for ``tldextract`` that imports the real module on its first attribute access: the keys are the same,
and any code that does use ``tldextract`` still gets all of it.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import Any

DEFERRED = "tldextract"


class _ImportedOnFirstUse(types.ModuleType):
    """Stands in for a module: the first attribute asked for imports the real module and answers."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # only while surt itself is being imported
            del sys.modules[self.__name__]
        return getattr(import_module(self.__name__), name)


def import_surt() -> types.ModuleType:
    """The ``surt`` module; ``tldextract`` is loaded only if something asks it for a public suffix."""
    if "surt" in sys.modules or DEFERRED in sys.modules:
        return import_module("surt")
    stand_in = _ImportedOnFirstUse(DEFERRED)
    sys.modules[DEFERRED] = stand_in
    try:
        return import_module("surt")
    finally:
        if sys.modules.get(DEFERRED) is stand_in:
            del sys.modules[DEFERRED]
