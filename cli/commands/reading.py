"""Commands that read the archive: `search` and `show`."""

from __future__ import annotations

import shlex
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.commands.output import as_dict, print_json
from cli.errors import CommandError
from cli.params import POSITIVE, PublishedDate

if TYPE_CHECKING:
    import sqlite3

DB_ARGUMENT = click.argument(
    "db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


def open_for_command(db_path: Path) -> sqlite3.Connection:
    """The archive at ``db_path`` opened read-only on a plain sqlite3 connection (upgraded first if
    older), or a clear CLI error when the file is not an archive, cannot be upgraded, or was written by
    a newer version."""
    from archive.db.readonly import open_readonly
    from archive.db.schema import ArchiveSchemaError

    try:
        return open_readonly(db_path)
    except ArchiveSchemaError as error:
        raise CommandError(str(error)) from error


def resolve_url(db: Any, url: str) -> str:
    """The archived URL that ``url`` stands for (see ``find_archived_url``); when it is not the URL as
    typed, a note on stderr says which archived URL was chosen. A URL not archived is an error."""
    from archive.db.show import find_archived_url

    match = find_archived_url(db, url)
    if match is None:
        raise CommandError(
            f"{url} is not in the archive", "Search for it instead: minzu-archive search DB WORDS"
        )
    if not match.exact:
        others = [candidate for candidate in match.candidates if candidate != match.url]
        also = f" (also archived as {', '.join(others)})" if others else ""
        click.echo(f"Note: showing {match.url}, the archived form of {url}{also}", err=True)
    return match.url


SEARCH_CSV_COLUMNS = ("url", "title", "published", "section", "page_kind", "score", "snippet", "capture_id")
# Words that other search engines read as operators; here every term is required, so a bare OR would
# silently look for the word "or" and find almost nothing.
OPERATOR_WORDS = ("OR", "AND", "NOT")


def check_query(query: str) -> str:
    """The query, or a usage error when it has nothing to search for or uses an operator we lack."""
    if not any(unicodedata.category(char)[0] in "LN" for char in query):
        raise click.BadParameter(
            "the query has nothing to search for (no letters or digits)", param_hint="QUERY"
        )
    operators = sorted({word for word in query.split() if word in OPERATOR_WORDS})
    if operators:
        raise click.BadParameter(
            f"{operators[0]} is not an operator here: every word of a query is required (AND). "
            f'Run one search per alternative, or write "{operators[0]}" in quotes to find the word.',
            param_hint="QUERY",
        )
    return query


@click.command()
@DB_ARGUMENT
@click.argument("query")
@click.option("--section", default=None, help="Only articles of this section (栏目).")
@click.option("--since", type=PublishedDate(), default=None, help="Published on or after (YYYY[-MM[-DD]]).")
@click.option("--until", type=PublishedDate(), default=None, help="Published on or before (YYYY[-MM[-DD]]).")
@click.option("--limit", type=POSITIVE, default=20, show_default=True, help="At most this many results.")
@click.option(
    "--all-pages",
    is_flag=True,
    help="Also return listing pages (channel pages, calendars), ranked after every article.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (cells safe to open in a spreadsheet).")
def search(
    db_path: Path,
    query: str,
    section: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    all_pages: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Full-text search of article titles and text (Chinese words of two characters or more).

    QUERY syntax: words separated by spaces are all required (AND), in any order and place;
    "double quotes" (or “…” and 「…」) keep a phrase with spaces together. There is no OR or NOT.
    A run of Chinese characters is found exactly as written (海西 finds 海西州, not 西海).

    Articles with a publication date come first; among them, those with the query in the title,
    then those that mention it most often. Boilerplate (the subscription block, navigation) is
    never searched.
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    check_query(query)
    if since and until and since[: len(until)] > until[: len(since)]:
        raise click.BadParameter(f"{since} is after --until {until}", param_hint="--since")
    from archive.db.search import search as run_search
    from exports.cells import write_csv

    db = open_for_command(db_path)
    hits = run_search(
        db, query, section=section, since=since, until=until, limit=limit, include_listings=all_pages
    )
    if as_json:
        print_json([as_dict(hit) for hit in hits])
        return
    if as_csv:
        write_csv([as_dict(hit) for hit in hits], SEARCH_CSV_COLUMNS, sys.stdout)
        return
    if not hits:
        click.echo("No articles found.")
    for hit in hits:
        record = as_dict(hit)
        click.echo(
            f"{record.get('published') or '----------'}  {record.get('title')}\n    {record.get('url')}"
        )
        if record.get("snippet"):
            click.echo(f"    {record['snippet']}")


def _describe_without_text(record: dict[str, Any]) -> str:
    """What to print for a URL with no archived text: a redirect, an error page, a non-HTML file."""
    latest = record["captures"][-1]
    status = latest["http_status"]
    when = latest["fetched_at"]
    if record["redirects_to"]:
        return f"REDIRECT: the site answered {status} on {when}, to {record['redirects_to']}"
    if status is not None and status >= 400:
        return f"No text archived: the site answered {status} on {when}."
    if record["article_status"] is not None:
        return (
            f"No text archived: extraction gave {record['article_status']} ({record['error'] or 'no error'})."
        )
    return (
        f"No text archived: the capture of {when} is {latest['mime_type'] or 'of unknown type'}, not a page."
    )


@click.command()
@DB_ARGUMENT
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(db_path: Path, url: str, as_json: bool) -> None:
    """Show the archived article at URL: metadata, text, images, boilerplate and captures.

    URL may be typed as people do: the https form of an http URL, another case in the host, a
    #fragment or an unescaped Chinese path find the archived page (a note names the one chosen).
    """
    from archive.db.show import show_url

    db = open_for_command(db_path)
    archived = resolve_url(db, url)
    record = show_url(db, archived)
    if record is None:  # the URL has only other kinds of records (requests, metadata)
        raise CommandError(f"{url} is not in the archive")
    history_command = f"minzu-archive history {shlex.quote(str(db_path))} {shlex.quote(archived)}"
    if as_json:
        print_json({**record, "requested_url": url, "history_command": history_command})
        return
    if record["gone"] and record["text"] is not None:
        status = record["captures"][-1]["http_status"]
        click.echo(
            f"GONE: the site answered {status} on {record['gone_since']}; the last archived version follows.\n"
        )
    if record["text"] is None:
        click.echo(_describe_without_text(record))
        click.echo(record["url"])
    else:
        click.echo(record["title"] or "(no title)")
        click.echo(f"{record['published'] or ''}  {' > '.join(record['breadcrumb'])}  {record['url']}\n")
        click.echo(record["text"])
    for image in record["images"]:
        click.echo(f"\n[image] {image['src']}  {image.get('caption') or ''}")
    for block in record["boilerplate"]:
        click.echo(f"\n[boilerplate: {block['kind']}] {block['text'].splitlines()[0]} …")
    count = len(record["captures"])
    click.echo(f"\n{count} capture{'s' if count != 1 else ''}: {history_command}")
