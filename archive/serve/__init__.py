"""Datasette over the archive: the project's metadata (title, facets, canned queries) and its plugin.

Datasette opens the archive immutable (read-only, never upgraded); the plugin gives every connection
the CJK search functions of :mod:`archive.db.search`, so SQL typed into Datasette searches Chinese
the same way the CLI does.
"""

from archive.serve.lean_start import lean_datasette_start

# Before the first import of Datasette, which every module here but inspection makes (see lean_start).
# The modules are imported by name (archive.serve.app, ...), not from here: `serve` starts counting the
# archive's tables (archive.serve.inspection) before it imports Datasette.
lean_datasette_start()
