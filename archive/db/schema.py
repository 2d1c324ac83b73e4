"""The archive's SQLite schema, as numbered migrations, and ``open_archive`` which applies them.

Every table here is derived from WARC records (see docs/schema.md): rows carry natural keys taken
from the records (WARC-Record-ID, file name and offset, URL, block text digests) so that ingesting
the same records again, or in another order, leaves the same rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from archive.db.bulk_indexes import restore_bulk_indexes
from archive.db.migrations import MigrationRegistry, applied_versions, migrate
from archive.db.sql_functions import register_functions

if TYPE_CHECKING:
    from sqlite_utils import Database

# Importing this module only declares the migrations: sqlite-utils and the search index's tokenizer are
# loaded by the functions that use them, so a command that reads the archive checks its version without
# paying for either (archive.db.readonly).

REGISTRY = MigrationRegistry()


class ArchiveSchemaError(RuntimeError):
    """The archive cannot be used as asked (e.g. read-only but older than this code)."""


def _run(db: Database, statements: Iterable[str]) -> None:
    # One statement at a time: executescript() would COMMIT the migration's open transaction.
    for statement in statements:
        db.execute(statement)


@REGISTRY.register(1, "core tables")
def _core_tables(db: Database) -> None:
    _run(
        db,
        [
            """CREATE TABLE warc_records (
                warc_filename TEXT NOT NULL,
                warc_offset INTEGER NOT NULL,
                warc_length INTEGER,
                record_id TEXT,
                record_type TEXT NOT NULL,
                target_uri TEXT,
                warc_date TEXT,
                PRIMARY KEY (warc_filename, warc_offset)
            )""",
            "CREATE INDEX idx_warc_records_record_id ON warc_records(record_id)",
            """CREATE TABLE warcinfo (
                record_id TEXT PRIMARY KEY,
                run_id TEXT,
                warc_filename TEXT NOT NULL,
                warc_date TEXT,
                software TEXT,
                format TEXT,
                hostname TEXT,
                spider TEXT,
                seeds TEXT,
                settings TEXT,
                fields TEXT NOT NULL
            )""",
            "CREATE INDEX idx_warcinfo_run_id ON warcinfo(run_id)",
            """CREATE TABLE crawl_runs (
                run_id TEXT PRIMARY KEY,
                spider TEXT,
                seeds TEXT,
                settings TEXT,
                software TEXT,
                hostname TEXT,
                first_warcinfo_at TEXT,
                started TEXT,
                finished TEXT,
                stats TEXT
            )""",
            """CREATE TABLE requests (
                record_id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                fetched_at TEXT,
                method TEXT,
                concurrent_to TEXT,
                user_agent TEXT,
                referer TEXT,
                warcinfo_id TEXT,
                run_id TEXT,
                warc_filename TEXT NOT NULL,
                warc_offset INTEGER NOT NULL,
                warc_length INTEGER
            )""",
            "CREATE INDEX idx_requests_concurrent_to ON requests(concurrent_to)",
            "CREATE INDEX idx_requests_warcinfo_id ON requests(warcinfo_id)",
            """CREATE TABLE captures (
                record_id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                url_key TEXT,
                fetched_at TEXT,
                record_type TEXT NOT NULL,
                status INTEGER,
                reason TEXT,
                protocol TEXT,
                content_type TEXT,
                mime_type TEXT,
                content_encoding TEXT,
                content_length INTEGER,
                payload_digest TEXT,
                block_digest TEXT,
                warc_filename TEXT NOT NULL,
                warc_offset INTEGER NOT NULL,
                warc_length INTEGER,
                request_record_id TEXT,
                ip_address TEXT,
                warcinfo_id TEXT,
                run_id TEXT,
                etag TEXT,
                last_modified TEXT,
                location TEXT,
                truncated TEXT,
                profile TEXT,
                refers_to TEXT,
                refers_to_target_uri TEXT,
                refers_to_date TEXT
            )""",
            "CREATE INDEX idx_captures_url ON captures(url)",
            "CREATE INDEX idx_captures_url_key ON captures(url_key)",
            "CREATE INDEX idx_captures_fetched_at ON captures(fetched_at)",
            "CREATE INDEX idx_captures_payload_digest ON captures(payload_digest)",
            "CREATE INDEX idx_captures_warcinfo_id ON captures(warcinfo_id)",
            "CREATE INDEX idx_captures_run_id ON captures(run_id)",
            """CREATE TABLE articles (
                capture_id TEXT PRIMARY KEY REFERENCES captures(record_id),
                url TEXT NOT NULL,
                status TEXT NOT NULL,
                error TEXT,
                title TEXT,
                published TEXT,
                section TEXT,
                breadcrumb TEXT,
                section_headings TEXT,
                text TEXT,
                author TEXT,
                source TEXT,
                editor TEXT,
                language TEXT,
                extractor TEXT,
                extractor_version TEXT,
                options TEXT,
                rules TEXT
            )""",
            "CREATE INDEX idx_articles_url ON articles(url)",
            "CREATE INDEX idx_articles_published ON articles(published)",
            "CREATE INDEX idx_articles_section ON articles(section)",
            """CREATE TABLE images (
                capture_id TEXT NOT NULL REFERENCES articles(capture_id),
                position INTEGER NOT NULL,
                src TEXT NOT NULL,
                caption TEXT,
                alt TEXT,
                PRIMARY KEY (capture_id, position)
            )""",
            "CREATE INDEX idx_images_src ON images(src)",
            """CREATE TABLE links (
                capture_id TEXT NOT NULL REFERENCES articles(capture_id),
                position INTEGER NOT NULL,
                url TEXT NOT NULL,
                text TEXT,
                rel TEXT,
                PRIMARY KEY (capture_id, position)
            )""",
            "CREATE INDEX idx_links_url ON links(url)",
            """CREATE TABLE boilerplate_blocks (
                block_id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                text TEXT NOT NULL
            )""",
            """CREATE TABLE boilerplate_occurrences (
                capture_id TEXT NOT NULL REFERENCES articles(capture_id),
                position INTEGER NOT NULL,
                block_id TEXT NOT NULL REFERENCES boilerplate_blocks(block_id),
                PRIMARY KEY (capture_id, position)
            )""",
            "CREATE INDEX idx_boilerplate_occurrences_block ON boilerplate_occurrences(block_id)",
            """CREATE TABLE ingest_problems (
                warc_filename TEXT NOT NULL,
                warc_offset INTEGER NOT NULL,
                record_id TEXT,
                problem TEXT NOT NULL,
                PRIMARY KEY (warc_filename, warc_offset)
            )""",
        ],
    )


@REGISTRY.register(2, "views")
def _views(db: Database) -> None:
    _run(
        db,
        [
            """CREATE VIEW warc_files AS
                SELECT warc_filename AS filename,
                       count(*) AS records,
                       sum(warc_length) AS bytes,
                       min(warc_date) AS first_date,
                       max(warc_date) AS last_date
                FROM warc_records GROUP BY warc_filename""",
            # Latest capture per URL; ties on the date are broken by record id so the answer is stable.
            """CREATE VIEW latest_captures AS
                SELECT * FROM (
                    SELECT c.*, row_number() OVER (
                        PARTITION BY c.url ORDER BY c.fetched_at DESC, c.record_id DESC) AS _rank
                    FROM captures c)
                WHERE _rank = 1""",
            # Each image used by an article, with the capture of the image nearest in time to the page
            # (LEFT JOIN: an image that was never captured still shows, with NULL capture columns).
            """CREATE VIEW article_images AS
                WITH used AS (
                    SELECT i.capture_id, a.url AS article_url, i.position, i.src, i.caption, i.alt,
                           pc.fetched_at AS page_fetched_at
                    FROM images i
                    JOIN articles a ON a.capture_id = i.capture_id
                    JOIN captures pc ON pc.record_id = i.capture_id),
                candidates AS (
                    SELECT used.capture_id, used.position, c.record_id, row_number() OVER (
                        PARTITION BY used.capture_id, used.position
                        ORDER BY abs(julianday(c.fetched_at) - julianday(used.page_fetched_at)), c.record_id
                    ) AS nearness
                    FROM used JOIN captures c ON c.url = used.src)
                SELECT used.capture_id, used.article_url, used.position, used.src, used.caption, used.alt,
                       ic.record_id AS image_capture_id, ic.status AS image_status,
                       ic.mime_type AS image_mime_type, ic.payload_digest AS image_payload_digest,
                       ic.content_length AS image_length, ic.warc_filename AS image_warc_filename,
                       ic.warc_offset AS image_warc_offset
                FROM used
                LEFT JOIN candidates k
                    ON k.capture_id = used.capture_id AND k.position = used.position AND k.nearness = 1
                LEFT JOIN captures ic ON ic.record_id = k.record_id""",
            """CREATE VIEW boilerplate_pages AS
                SELECT b.block_id, b.kind, o.capture_id, a.url, c.fetched_at, o.position
                FROM boilerplate_occurrences o
                JOIN boilerplate_blocks b ON b.block_id = o.block_id
                JOIN articles a ON a.capture_id = o.capture_id
                JOIN captures c ON c.record_id = o.capture_id""",
        ],
    )


@REGISTRY.register(3, "full-text search")
def _full_text_search(db: Database) -> None:
    # Holds title and text with every CJK character as its own token (see archive.db.cjk); rowid is
    # the article's rowid. Only articles with status "ok" are indexed; boilerplate never is.
    _run(
        db,
        [
            """CREATE VIRTUAL TABLE articles_fts USING fts5(
                capture_id UNINDEXED, title, text, tokenize = 'unicode61')""",
        ],
    )


# A page whose extracted text is mostly the anchor text of links inside the body is a listing (a channel
# page, a calendar month, a topic page), whatever the extractor's status says: 0.4 sits between the
# listings of the site (0.49-0.68) and its articles (0.0-0.1). The link-density idea is Readability's.
LISTING_LINK_SHARE = 0.4
# Below this many characters of text a page is a stub (the home page, an empty calendar month): the site's
# shortest real article has several hundred.
SHORT_TEXT_CHARS = 100


@REGISTRY.register(4, "reading views")
def _reading_views(db: Database) -> None:
    _run(
        db,
        [
            # Every article row with what a reader needs to rank and filter it: the capture time, the
            # share of its text that is link text (listings), and a page kind derived from both.
            f"""CREATE VIEW article_pages AS
                SELECT capture_id, url, status, title, published, section, author, fetched_at, text_chars,
                       link_chars, round(CAST(link_chars AS REAL) / max(text_chars, 1), 3) AS link_share,
                       CASE
                           WHEN status <> 'ok' THEN status
                           WHEN link_chars >= {LISTING_LINK_SHARE} * max(text_chars, 1) THEN 'listing'
                           WHEN text_chars < {SHORT_TEXT_CHARS} THEN 'short'
                           WHEN published IS NULL THEN 'undated'
                           ELSE 'article'
                       END AS page_kind
                FROM (
                    SELECT a.capture_id, a.url, a.status, a.title, a.published, a.section, a.author,
                           c.fetched_at, coalesce(length(a.text), 0) AS text_chars,
                           (SELECT coalesce(sum(length(l.text)), 0) FROM links l
                            WHERE l.capture_id = a.capture_id AND l.rel = 'body') AS link_chars
                    FROM articles a JOIN captures c ON c.record_id = a.capture_id)""",
            # The newest extraction of each URL, preferring an ``ok`` one (a later failed fetch must
            # not hide the article), ties broken by record id.
            """CREATE VIEW latest_articles AS
                SELECT * FROM (
                    SELECT p.*, row_number() OVER (
                        PARTITION BY p.url
                        ORDER BY p.status = 'ok' DESC, p.fetched_at DESC, p.capture_id DESC) AS _rank
                    FROM article_pages p)
                WHERE _rank = 1""",
            """CREATE VIEW articles_per_section_month AS
                SELECT coalesce(section, '') AS section, substr(published, 1, 7) AS month,
                       count(*) AS articles
                FROM latest_articles WHERE page_kind = 'article'
                GROUP BY 1, 2""",
            # Every capture of every URL with its extraction (if any): the raw material of `history`.
            """CREATE VIEW capture_history AS
                SELECT c.url, c.fetched_at, c.record_id, c.record_type, c.status AS http_status,
                       c.mime_type, c.payload_digest, c.refers_to, c.warc_filename, c.warc_offset,
                       c.run_id, a.status AS article_status, a.title, a.published,
                       length(a.text) AS text_chars
                FROM captures c LEFT JOIN articles a ON a.capture_id = c.record_id
                WHERE c.record_type IN ('response', 'revisit', 'resource')""",
        ],
    )


@REGISTRY.register(5, "raw extraction")
def _raw_extraction(db: Database) -> None:
    # What the site-wide pass (archive.extract.site_repeats) changed on a page: the extractor's own
    # paragraphs, section headings, rules and number of boilerplate blocks, as JSON; NULL when the page is
    # stored as extracted. The pass always starts again from this, never from its own earlier output.
    _run(db, ["ALTER TABLE articles ADD COLUMN raw_extraction TEXT"])


@REGISTRY.register(6, "refers-to source")
def _refers_to_source(db: Database) -> None:
    # 'header' when captures.refers_to is the record's WARC-Refers-To, 'payload-digest' when ingest
    # filled it in from a capture with the same payload: only the latter is ever re-resolved.
    _run(
        db,
        [
            "ALTER TABLE captures ADD COLUMN refers_to_source TEXT",
            "UPDATE captures SET refers_to_source = 'header' WHERE refers_to IS NOT NULL",
        ],
    )


# A capture that holds the image's bytes: a response or resource with a 2xx status (a resource has none).
_HAS_PAYLOAD = (
    "c.record_type IN ('response', 'resource') AND (c.status IS NULL OR c.status BETWEEN 200 AND 299)"
)


@REGISTRY.register(7, "image captures with a payload")
def _article_images_with_payload(db: Database) -> None:
    # As in migration 2, but a capture with the image's bytes is preferred to a nearer revisit (a 304
    # has no body) or error answer; among equals the nearest in time wins, then the smallest record id.
    _run(
        db,
        [
            "DROP VIEW IF EXISTS article_images",
            f"""CREATE VIEW article_images AS
                WITH used AS (
                    SELECT i.capture_id, a.url AS article_url, i.position, i.src, i.caption, i.alt,
                           pc.fetched_at AS page_fetched_at
                    FROM images i
                    JOIN articles a ON a.capture_id = i.capture_id
                    JOIN captures pc ON pc.record_id = i.capture_id),
                candidates AS (
                    SELECT used.capture_id, used.position, c.record_id, row_number() OVER (
                        PARTITION BY used.capture_id, used.position
                        ORDER BY ({_HAS_PAYLOAD}) DESC,
                                 abs(julianday(c.fetched_at) - julianday(used.page_fetched_at)), c.record_id
                    ) AS nearness
                    FROM used JOIN captures c ON c.url = used.src)
                SELECT used.capture_id, used.article_url, used.position, used.src, used.caption, used.alt,
                       ic.record_id AS image_capture_id, ic.status AS image_status,
                       ic.mime_type AS image_mime_type, ic.payload_digest AS image_payload_digest,
                       ic.content_length AS image_length, ic.warc_filename AS image_warc_filename,
                       ic.warc_offset AS image_warc_offset
                FROM used
                LEFT JOIN candidates k
                    ON k.capture_id = used.capture_id AND k.position = used.position AND k.nearness = 1
                LEFT JOIN captures ic ON ic.record_id = k.record_id""",
        ],
    )


@REGISTRY.register(8, "hangul tokens")
def _hangul_tokens(db: Database) -> None:
    # Hangul syllables became one token each (archive.db.cjk): re-index the pages that contain any, so
    # that an archive indexed before matches the queries built now. Other entries are unchanged.
    # (Migration 20 replaces this index; the entries are written here as the index of that time held them.)
    from archive.db.cjk import has_hangul, shadow_text

    rows = db.execute(
        "SELECT rowid, capture_id, title, text FROM articles WHERE status = 'ok' AND coalesce(text, '') <> ''"
    ).fetchall()
    for rowid, capture_id, title, text in rows:
        if has_hangul(title or "") or has_hangul(text):
            db.execute("DELETE FROM articles_fts WHERE rowid = ?", [rowid])
            db.execute(
                "INSERT INTO articles_fts (rowid, capture_id, title, text) VALUES (?, ?, ?, ?)",
                [rowid, capture_id, shadow_text(title), shadow_text(text)],
            )


@REGISTRY.register(20, "search index of character pairs")
def _pair_index(db: Database) -> None:
    # The full-text index becomes contentless, of CJK character pairs with a one-character prefix index
    # (archive.db.cjk, archive.db.search), with a narrow row per indexed article for filtering and
    # ranking, and triggers that keep what the index holds for an article whose row changes. Every
    # `ok` article is indexed again from its stored row, as a rebuild would index it.
    _run(
        db,
        [
            "DROP TABLE IF EXISTS articles_fts",
            "DROP TABLE IF EXISTS articles_fts_titles",
            """CREATE VIRTUAL TABLE articles_fts USING fts5(
                title, text, content = '', prefix = '1', tokenize = 'unicode61')""",
            # The titles alone: title matches are found without walking every match of the text.
            """CREATE VIRTUAL TABLE articles_fts_titles USING fts5(
                title, content = '', prefix = '1', tokenize = 'unicode61')""",
            """CREATE TABLE search_docs (
                capture_id TEXT NOT NULL,
                url TEXT NOT NULL,
                fetched_at TEXT,
                published TEXT,
                section TEXT,
                page_kind TEXT NOT NULL,
                title TEXT,
                text_chars INTEGER
            )""",
            "CREATE INDEX idx_search_docs_url ON search_docs(url, fetched_at)",
            # A filtered search that leaves few rows starts from them (archive.db.search).
            "CREATE INDEX idx_search_docs_section ON search_docs(section, published)",
            "CREATE INDEX idx_search_docs_published ON search_docs(published)",
            "CREATE TABLE search_stale (doc INTEGER PRIMARY KEY, title TEXT, text TEXT)",
            "CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT)",
            # What the index holds for an article is its row as it was when indexed: keep that before the
            # row changes (once; a second change before re-indexing must not overwrite it).
            """CREATE TRIGGER articles_search_update BEFORE UPDATE OF title, text, status ON articles
                WHEN (old.title IS NOT new.title OR old.text IS NOT new.text OR old.status IS NOT new.status)
                    AND EXISTS (SELECT 1 FROM search_docs WHERE rowid = old.rowid)
                BEGIN
                    INSERT OR IGNORE INTO search_stale (doc, title, text) VALUES (old.rowid, old.title, old.text);
                END""",
            """CREATE TRIGGER articles_search_delete BEFORE DELETE ON articles
                WHEN EXISTS (SELECT 1 FROM search_docs WHERE rowid = old.rowid)
                BEGIN
                    INSERT OR IGNORE INTO search_stale (doc, title, text) VALUES (old.rowid, old.title, old.text);
                END""",
        ],
    )
    from archive.db.search_index import rebuild_index

    rebuild_index(db)


@REGISTRY.register(9, "revisit schedule")
def _revisit_schedule(db: Database) -> None:
    # Derived from captures by archive.db.revisits.refresh_schedule; see docs/schema.md.
    _run(
        db,
        [
            """CREATE TABLE revisit_schedule (
                url TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                interval_days REAL NOT NULL,
                next_due TEXT NOT NULL,
                last_checked TEXT NOT NULL,
                last_outcome TEXT NOT NULL,
                checks INTEGER NOT NULL,
                changes INTEGER NOT NULL,
                last_capture_at TEXT NOT NULL,
                policy TEXT NOT NULL
            )""",
            "CREATE INDEX idx_revisit_schedule_next_due ON revisit_schedule(next_due)",
        ],
    )


@REGISTRY.register(30, "damaged regions")
def _damaged_regions(db: Database) -> None:
    # Reading resynchronizes after damage: each stretch of a WARC file that gave no record is kept
    # with its extent, so an archivist (or cron, through the exit status) sees what was lost where.
    _run(
        db,
        [
            """CREATE TABLE warc_damage (
                warc_filename TEXT NOT NULL,
                start_offset INTEGER NOT NULL,
                end_offset INTEGER NOT NULL,
                kind TEXT NOT NULL,
                problem TEXT NOT NULL,
                PRIMARY KEY (warc_filename, start_offset)
            )""",
        ],
    )


LATEST_VERSION = REGISTRY.latest_version


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection; read-only ones use SQLite's ``mode=ro`` so nothing can write."""
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        return sqlite3.connect(uri, uri=True)
    return sqlite3.connect(str(path))


def _needs_rollback(error: sqlite3.Error) -> bool:
    """True when a read-only open failed because a writer died mid-transaction (a "hot" journal beside
    the file): SQLite must roll that transaction back, which needs write access, before anyone reads."""
    return getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK"


def _read_schema(path: Path | str) -> tuple[set[int], bool]:
    """(applied migrations, whether the file has any table), read without writing, except that the
    transaction of a writer that died is rolled back first, as any SQLite client opening it would."""
    for readonly in (True, False):
        conn = connect(path, readonly=readonly)
        try:
            has_tables = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone()
            return applied_versions(conn), has_tables is not None
        except sqlite3.OperationalError as error:
            if not (readonly and _needs_rollback(error)):
                raise
        finally:
            conn.close()
    raise AssertionError("unreachable: the writable attempt returns or raises")


def _newer_versions(applied: set[int]) -> list[int]:
    """Migrations recorded in an archive that this code does not know: a newer version wrote them."""
    known = {m.version for m in REGISTRY.ordered()}
    return sorted(applied - known)


def _refuse_newer(path: Path | str, applied: set[int]) -> None:
    newer = _newer_versions(applied)
    if newer:
        raise ArchiveSchemaError(
            f"{path} has schema version {max(applied)}, newer than this minzu-archive knows "
            f"(up to {LATEST_VERSION}; unknown migrations {newer}): upgrade minzu-archive to use it"
        )


def check_archive(path: Path | str) -> set[int]:
    """The schema versions of the archive at ``path``, read without changing the file (but for rolling
    back the transaction of a writer that died, as any SQLite client opening it would); raises
    :class:`ArchiveSchemaError` when it is not SQLite, not a minzu-archive database (another program's
    tables and no ``schema_migrations``), or newer than this code. A missing or empty file is a new
    archive (empty set): a caller that writes may create it.
    """
    file = Path(path)
    if not file.exists() or (file.is_file() and file.stat().st_size == 0):
        return set()
    if not file.is_file():
        raise ArchiveSchemaError(f"{path} is not a file")
    try:
        applied, has_tables = _read_schema(file)
    except (
        sqlite3.OperationalError
    ) as error:  # unreadable, locked, or a crashed transaction on read-only media
        raise ArchiveSchemaError(f"{path}: cannot open: {error}") from error
    except sqlite3.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
        raise ArchiveSchemaError(f"{path} is not a usable minzu-archive database ({error})") from error
    if not applied and has_tables:
        raise ArchiveSchemaError(
            f"{path} is a SQLite database of another program, not a minzu-archive database"
        )
    _refuse_newer(path, applied)
    return applied


def open_archive(path: Path | str, *, readonly: bool = False) -> Database:
    """Open (creating or upgrading as needed) an archive database and register its SQL functions.

    A read-only archive is never upgraded: if it is older than this code, that is an error the
    caller must see, not something to paper over. An archive written by a newer version (it records
    migrations this code does not know) is refused either way: this code could misread it, and
    writing to it could break what the newer code relies on.
    """
    from sqlite_utils import Database

    conn = connect(path, readonly=readonly)
    db = Database(conn, execute_plugins=False)
    try:
        applied = applied_versions(db)
        _refuse_newer(path, applied)
    except BaseException:
        conn.close()
        raise
    if readonly:
        try:
            _refuse_missing(path, applied)
        except ArchiveSchemaError:
            conn.close()
            raise
    else:
        migrate(db, REGISTRY.ordered())
        _check_index_scheme(db)
        restore_bulk_indexes(db)  # a rebuild killed before its end left them out
    register_functions(conn)
    return db


def _refuse_missing(path: Path | str, applied: set[int]) -> None:
    missing = {m.version for m in REGISTRY.ordered()} - applied
    if missing:
        raise ArchiveSchemaError(
            f"{path}: read-only archive lacks schema migrations {sorted(missing)}; open it writable once"
        )


def check_readable(path: Path | str, applied: set[int]) -> None:
    """Raise :class:`ArchiveSchemaError` unless an archive with the migrations ``applied`` can be read
    read-only as it is: written by a newer version, or lacking a migration, it cannot."""
    _refuse_newer(path, applied)
    _refuse_missing(path, applied)


def _check_index_scheme(db: Database) -> None:
    """Rebuild the search index if it was built with other tokens than this code makes (another token
    scheme, or the Unicode tables of another Python): entries could no longer be removed from it."""
    from archive.db.search_index import INDEX_SCHEME, index_scheme, rebuild_index

    if index_scheme(db) != INDEX_SCHEME:
        with db.atomic():
            rebuild_index(db)


def prepare_for_reading(path: Path | str) -> None:
    """Make sure the file at ``path`` is an archive this code can read, upgrading it in place first if
    it was built by an older version (new migrations only add tables, columns and views).

    Only a file that is already an archive (its ``schema_migrations`` table lists at least one
    migration) is ever upgraded: an empty file, another program's SQLite database or a file that is
    not SQLite raises :class:`ArchiveSchemaError` and is left untouched. So does a file that cannot be
    upgraded (read-only media, another writer holding the lock), rather than answering from a schema
    it lacks, and an archive written by a newer version of this code. The check itself reads with the
    standard ``sqlite3`` module only: sqlite-utils is loaded just when there is something to upgrade.
    """
    try:
        applied, _ = _read_schema(path)
    except sqlite3.OperationalError as error:  # missing, unreadable, locked
        raise ArchiveSchemaError(f"{path}: cannot open: {error}") from error
    except sqlite3.DatabaseError as error:  # not SQLite at all ("file is not a database"), or damaged
        raise ArchiveSchemaError(f"{path} is not a minzu-archive database ({error})") from error
    if not applied:
        raise ArchiveSchemaError(f"{path} is not a minzu-archive database (it has no schema_migrations)")
    _refuse_newer(path, applied)
    missing = {m.version for m in REGISTRY.ordered()} - applied
    if missing:
        try:
            open_archive(path).close()
        except sqlite3.Error as error:
            raise ArchiveSchemaError(
                f"{path}: cannot apply schema migrations {sorted(missing)}: {error}"
            ) from error


def open_for_reading(path: Path | str) -> Database:
    """The archive at ``path`` as a read-only sqlite-utils ``Database``, upgraded first if it is older
    (see :func:`prepare_for_reading`). The read commands use :func:`archive.db.readonly.open_readonly`,
    the same on a plain ``sqlite3`` connection."""
    prepare_for_reading(path)
    return open_archive(path, readonly=True)
