"""The archive opened for reading on a plain ``sqlite3`` connection: what `search`, `show`, `history` and the
exports use.

A command that only reads should start in a fraction of a second, so this path imports the standard
``sqlite3`` module and the schema's version check and nothing else: not sqlite-utils (a tenth of a
second to import), and not the search tokenizer, whose SQL functions are registered to load it on
first call (:mod:`archive.db.sql_functions`). The read functions (``search``, ``show_url``,
``url_history``, the exports) take this connection as they take a sqlite-utils ``Database``: they only
call ``execute``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.db.migrations import applied_versions
from archive.db.schema import check_readable, connect, prepare_for_reading
from archive.db.sql_functions import register_functions


def open_readonly(path: Path | str) -> sqlite3.Connection:
    """The archive at ``path`` opened read-only (``mode=ro``: nothing can write through it), with the
    archive's SQL functions registered.

    An archive built by an older version is upgraded in place first; a file that is not an archive,
    cannot be upgraded or was written by a newer version raises
    :class:`~archive.db.schema.ArchiveSchemaError`, exactly as
    :func:`~archive.db.schema.open_for_reading` does.
    """
    prepare_for_reading(path)
    conn = connect(path, readonly=True)
    try:
        applied = applied_versions(conn)  # again on this connection: another process may have moved on
        check_readable(path, applied)
    except BaseException:
        conn.close()
        raise
    register_functions(conn)
    return conn
