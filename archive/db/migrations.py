"""Numbered schema migrations, applied in order and recorded in ``schema_migrations``.

An archive built by an older version is upgraded in place by running only the migrations it has not
seen. The table keeps no timestamps on purpose: two archives rebuilt from the same WARC files must
dump to the same SQL, whenever they were built.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type here: the commands that read the archive never load sqlite-utils
    from sqlite_utils import Database

MIGRATIONS_TABLE = "schema_migrations"


@dataclass(frozen=True)
class Migration:
    """One schema step. ``apply`` runs inside the transaction that also records the version."""

    version: int
    name: str
    apply: Callable[[Database], None]


class MigrationRegistry:
    """An ordered list of migrations; registering the same version twice is a programming error."""

    def __init__(self) -> None:
        self._migrations: dict[int, Migration] = {}

    def register(self, version: int, name: str) -> Callable[[Callable[[Database], None]], Callable]:
        def decorate(apply: Callable[[Database], None]) -> Callable[[Database], None]:
            if version in self._migrations:
                raise ValueError(f"migration {version} is already registered")
            self._migrations[version] = Migration(version, name, apply)
            return apply

        return decorate

    def ordered(self) -> list[Migration]:
        return [self._migrations[v] for v in sorted(self._migrations)]

    @property
    def latest_version(self) -> int:
        return max(self._migrations, default=0)


def applied_versions(db: Database | sqlite3.Connection) -> set[int]:
    """Versions already applied to ``db`` (empty for a new file); a plain connection will do."""
    listed = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]
    ).fetchone()
    if listed is None:
        return set()
    return {row[0] for row in db.execute(f"SELECT version FROM {MIGRATIONS_TABLE}").fetchall()}


def migrate(db: Database, migrations: Sequence[Migration]) -> list[int]:
    """Apply every migration not yet recorded, each in its own transaction; return the versions run."""
    with db.atomic():
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
    done = applied_versions(db)
    ran: list[int] = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version in done:
            continue
        with db.atomic():
            migration.apply(db)
            db.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
        ran.append(migration.version)
    return ran
