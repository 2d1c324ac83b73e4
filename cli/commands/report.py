"""`report`: is the collection complete? The verdict for people, JSON for programs, an HTML file for the
record, and an exit status for cron."""

from __future__ import annotations

from pathlib import Path

import click

from cli.commands.output import print_json

EXIT_INCOMPLETE = 3
SHOWN_PER_LIST = 10


def _locate(collection: Path) -> tuple[Path, Path]:
    """(archive.db, WARC folder) of a collection folder, or of its archive.db named directly."""
    from archive.collection import database_path, warc_directory

    if collection.is_dir():
        db_path = database_path(collection)
        if not db_path.exists():
            raise click.ClickException(f"{collection} is not a collection: it has no {db_path.name}")
        return db_path, warc_directory(collection)
    return collection, warc_directory(collection.parent)


@click.command()
@click.argument("collection", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report as one self-contained HTML file (charts included, opens offline).",
)
def report(collection: Path, as_json: bool, html_path: Path | None) -> None:
    """Completeness of COLLECTION (a collection folder, or its archive.db): which article pages linked
    from any archived page are archived, gone (404/410), excluded by robots.txt or missing, and which
    images of the archived articles are captured.

    The first line is the verdict, e.g. "complete: 40/40 articles, 75/75 images".

    Exit status: 0 when nothing is missing, 3 when any article or image is missing or no article was
    found at all (so cron and schedulers notice), 1 when the archive cannot be read or the HTML file
    cannot be written.
    """
    from archive.db.completeness import completeness_line, completeness_report
    from cli.commands.reading import open_for_command

    db_path, warc_dir = _locate(collection)
    db = open_for_command(db_path)
    try:
        found = completeness_report(db, warc_dir=warc_dir if warc_dir.is_dir() else None)
    finally:
        db.close()
    if html_path is not None:
        from exports.report_html import write_report_html

        try:
            write_report_html(found, html_path)
        except OSError as error:
            raise click.ClickException(f"cannot write {html_path}: {error}") from error
    if as_json:
        print_json(found.as_json())
    else:
        click.echo(completeness_line(found))
        _echo_list("missing articles", [f"{a.url}  {a.reason}" for a in found.articles_missing])
        _echo_list("missing images", [f"{i.url}  {i.reason}  (in {i.article})" for i in found.images_missing])
        _echo_list("gone articles", [f"{a.url}  HTTP {a.status}" for a in found.articles_gone])
        _echo_list("stale articles", [f"{a.url}  {a.reason}" for a in found.articles_stale])
        if html_path is not None:
            click.echo(f"HTML report: {html_path}")
    if not found.complete:
        click.get_current_context().exit(EXIT_INCOMPLETE)


def _echo_list(title: str, lines: list[str]) -> None:
    if not lines:
        return
    click.echo(f"{title} ({len(lines)}):")
    for line in lines[:SHOWN_PER_LIST]:
        click.echo(f"  {line}")
    if len(lines) > SHOWN_PER_LIST:
        click.echo(f"  … and {len(lines) - SHOWN_PER_LIST} more (see --json or --html)")
