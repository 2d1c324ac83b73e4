"""Commands that read the archive: `search` and `show`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.commands.output import as_dict, print_json


def open_for_command(db_path: Path):
    """The archive at ``db_path`` opened read-only (upgraded first if older), or a clear CLI error when
    the file is not an archive or cannot be upgraded."""
    from archive.db.schema import ArchiveSchemaError, open_for_reading

    try:
        return open_for_reading(db_path)
    except ArchiveSchemaError as error:
        raise click.ClickException(str(error)) from error


SEARCH_CSV_COLUMNS = ("url", "title", "published", "section", "page_kind", "score", "snippet", "capture_id")


@click.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("query")
@click.option("--section", default=None, help="Only articles of this section (栏目).")
@click.option("--since", default=None, help="Published on or after this date (YYYY-MM-DD).")
@click.option("--until", default=None, help="Published on or before this date (YYYY-MM-DD).")
@click.option("--limit", type=int, default=20, show_default=True)
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

    Articles with a publication date come first; among them, those with the query in the title,
    then those that mention it most often. Boilerplate (the subscription block, navigation) is
    never searched.
    """
    from archive.db.search import search as run_search
    from exports.cells import write_csv

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
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


@click.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(db_path: Path, url: str, as_json: bool) -> None:
    """Show the archived article at URL: metadata, text, images, boilerplate and captures."""
    from archive.db.show import show_url

    db = open_for_command(db_path)
    record = show_url(db, url)
    if record is None:
        raise click.ClickException(f"{url} is not in the archive")
    if as_json:
        print_json({**record, "history_command": f"minzu-archive history {db_path} {url}"})
        return
    if record["gone"]:
        status = record["captures"][-1]["status"]
        click.echo(
            f"GONE: the site answered {status} on {record['gone_since']}; the last archived version follows.\n"
        )
    click.echo(record["title"] or "(no title)")
    click.echo(f"{record['published'] or ''}  {' > '.join(record['breadcrumb'])}  {record['url']}\n")
    click.echo(record["text"])
    for image in record["images"]:
        click.echo(f"\n[image] {image['src']}  {image.get('caption') or ''}")
    for block in record["boilerplate"]:
        click.echo(f"\n[boilerplate: {block['kind']}] {block['text'].splitlines()[0]} …")
    count = len(record["captures"])
    click.echo(f"\n{count} capture{'s' if count != 1 else ''}: minzu-archive history {db_path} {url}")
