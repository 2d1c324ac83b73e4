"""Datasette over the archive: the project's metadata (title, facets, canned queries) and its plugin.

Datasette opens the archive immutable (read-only, never upgraded); the plugin gives every connection
the CJK search functions of :mod:`archive.db.search`, so SQL typed into Datasette searches Chinese
the same way the CLI does.
"""

from archive.serve.app import build_datasette, get_path, serve_forever
from archive.serve.metadata import archive_metadata

__all__ = ["archive_metadata", "build_datasette", "get_path", "serve_forever"]
