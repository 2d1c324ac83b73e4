"""Datasette over the archive: the project's metadata (title, facets, canned queries) and its plugin.

Datasette opens the archive immutable (read-only, never upgraded); the plugin gives every connection
the CJK search functions of :mod:`archive.db.search`, so SQL typed into Datasette searches Chinese
the same way the CLI does.
"""

from archive.serve.lean_start import lean_datasette_start

lean_datasette_start()  # before the first import of Datasette, which is in app (see lean_start)

from archive.serve.app import build_datasette, get_path, serve_forever  # noqa: E402
from archive.serve.metadata import archive_metadata  # noqa: E402

__all__ = ["archive_metadata", "build_datasette", "get_path", "serve_forever"]
