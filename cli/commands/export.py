"""`export`: the archive's articles as JSONL, CSV or Markdown, and a collection as a WACZ file.

The writers live in ``exports/`` (which imports ``archive/``, never the reverse), so they are imported
inside each command. A progress bar appears on stderr only when stderr is a terminal.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

DB_ARGUMENT = click.argument(
    "db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File (default: stdout).",
)


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """The file to write (UTF-8, newline as written) or stdout."""
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        yield fh


def _done(count: int, what: str, where: Path | None) -> None:
    if where is not None:
        click.echo(f"{count} {what} written to {where}", err=True)


@click.group()
def export() -> None:
    """Export the archive: articles as jsonl, csv or markdown; a collection as wacz."""


@export.command("jsonl")
@DB_ARGUMENT
@OUTPUT_OPTION
def export_jsonl(db_path: Path, output: Path | None) -> None:
    """One JSON object per article (newest good capture of each URL), sorted by URL."""
    from cli.commands.reading import open_for_command
    from exports.jsonl import export_articles_jsonl

    db = open_for_command(db_path)
    with _output(output) as out:
        count = export_articles_jsonl(db, out)
    _done(count, "articles", output)


@export.command("csv")
@DB_ARGUMENT
@OUTPUT_OPTION
def export_csv(db_path: Path, output: Path | None) -> None:
    """The JSONL export's articles as CSV; cells that a spreadsheet would run as formulas are neutralised."""
    from cli.commands.reading import open_for_command
    from exports.csv import export_articles_csv

    db = open_for_command(db_path)
    with _output(output) as out:
        count = export_articles_csv(db, out, show_progress=sys.stderr.isatty())
    _done(count, "articles", output)


@export.command("markdown")
@DB_ARGUMENT
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory."
)
def export_markdown_command(db_path: Path, output: Path) -> None:
    """One Markdown file per article, with YAML front matter and its images linked."""
    from cli.commands.reading import open_for_command
    from exports.markdown import export_markdown

    db = open_for_command(db_path)
    count = export_markdown(db, output, show_progress=sys.stderr.isatty())
    click.echo(f"{count} articles written to {output}", err=True)


@export.command("wacz")
@click.argument(
    "collection", metavar="COLLECTION_DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.wacz"
)
def export_wacz_command(collection: Path, output: Path) -> None:
    """Package a collection's WARC files, a CDXJ index and its pages (titles and text) as WACZ."""
    from exports.wacz import WaczError, export_wacz

    try:
        count = export_wacz(collection, output)
    except WaczError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{count} pages packaged in {output}", err=True)
