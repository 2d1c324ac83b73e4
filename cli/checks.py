"""Checks run before a command starts work, so a refused command changes and creates nothing."""

from __future__ import annotations

import os
from pathlib import Path

from cli.errors import CommandError


def check_target_database(db_path: Path, *, hint: str | None = None) -> None:
    """Refuse a database this code may not write: another file, a database of another program or of a
    newer version, or a file or folder that cannot be written. A missing file is fine (it is created)."""
    from archive.db.schema import ArchiveSchemaError, check_archive

    try:
        check_archive(db_path)
    except ArchiveSchemaError as error:
        raise CommandError(str(error), hint) from None
    # SQLite writes a journal beside the database: the folder must be writable too.
    folder = db_path.parent if str(db_path.parent) else Path(".")
    for target in (db_path, folder) if db_path.exists() else (folder,):
        if target.exists() and not os.access(target, os.W_OK):
            raise CommandError(f"{target} is not writable", hint)


def check_collection(collection: Path) -> None:
    """Refuse a collection whose archive database this code may not write (see above)."""
    from archive.collection import database_path

    db_path = database_path(collection)
    if collection.is_dir():
        check_target_database(db_path, hint="Choose another --collection, or upgrade minzu-archive.")


def warc_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a WARC or ARC file (it is not one, or holds no record), or None.
    Damage after the first record is not a problem here: the readable records are still used."""
    from archive.warc.reader import WarcReadError, iter_records

    try:
        for _ in iter_records(path):
            return None
    except WarcReadError as error:
        if error.records_read == 0:
            return f"{path} is not a WARC or ARC file ({' '.join(error.reason.split())[:120]})"
        return None
    except OSError as error:
        return f"{path}: {error.strerror or error}"
    return f"{path} holds no WARC records"
