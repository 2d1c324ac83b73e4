"""`export`: the archive's articles as JSONL, CSV or Markdown, and a collection as a WACZ file.

The writers live in ``exports/`` (which imports ``archive/``, never the reverse), so they are imported
inside each command. A progress bar appears on stderr only when stderr is a terminal. A file export is
written beside its target and renamed into place when complete, so a failure (a full disk, Ctrl-C) never
leaves a half-written file, nor destroys the one that was there.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

from cli.commands.reading import DB_ARGUMENT, open_for_command
from cli.errors import CommandError
from cli.params import OutputFile

OUTPUT_OPTION = click.option(
    "-o", "--output", type=OutputFile(), default=None, help="File to write (default: stdout)."
)


def _refuse_overwriting_source(output: Path | None, *sources: Path) -> None:
    """An export written over the archive it reads would destroy it."""
    if output is None or not output.exists():
        return
    for source in sources:
        if source.exists() and output.samefile(source):
            raise click.BadParameter(f"{output} is the archive being exported", param_hint="-o/--output")


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or a temporary file beside ``path`` (UTF-8, newline as written) moved onto ``path`` once
    everything is written; on any failure the temporary file is removed and ``path`` left as it was."""
    if path is None:
        yield sys.stdout
        return
    if path.exists() and not path.is_file():  # /dev/stdout, a named pipe: written to as it is
        with path.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # as open() would have made it, not mkstemp's owner-only mode
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


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
    from exports.jsonl import export_articles_jsonl

    _refuse_overwriting_source(output, db_path)
    db = open_for_command(db_path)
    with _output(output) as out:
        count = export_articles_jsonl(db, out)
    _done(count, "articles", output)


@export.command("csv")
@DB_ARGUMENT
@OUTPUT_OPTION
def export_csv(db_path: Path, output: Path | None) -> None:
    """The JSONL export's articles as CSV; cells that a spreadsheet would run as formulas are neutralised."""
    from exports.csv import export_articles_csv

    _refuse_overwriting_source(output, db_path)
    db = open_for_command(db_path)
    with _output(output) as out:
        count = export_articles_csv(db, out, show_progress=sys.stderr.isatty())
    _done(count, "articles", output)


@export.command("markdown")
@DB_ARGUMENT
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder (created if missing).",
)
@click.option(
    "--overwrite", is_flag=True, help="Replace Markdown files an earlier export left in the folder."
)
def export_markdown_command(db_path: Path, output: Path, overwrite: bool) -> None:
    """One Markdown file per article, with YAML front matter and its images linked.

    An export into a folder that already holds some of its files stops before writing anything,
    unless --overwrite is given; files are written all together at the end, so a failed export
    leaves the folder as it was.
    """
    from exports.markdown import MarkdownExportError, export_markdown

    db = open_for_command(db_path)
    try:
        count = export_markdown(db, output, overwrite=overwrite, show_progress=sys.stderr.isatty())
    except MarkdownExportError as error:
        raise CommandError(str(error), error.hint) from error
    click.echo(f"{count} articles written to {output}", err=True)


@export.command("wacz")
@click.argument(
    "collection", metavar="COLLECTION_DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("-o", "--output", type=OutputFile(suffix=".wacz"), required=True, help="FILE.wacz to write.")
def export_wacz_command(collection: Path, output: Path) -> None:
    """Package a collection's WARC files, a CDXJ index and its pages (titles and text) as WACZ."""
    from exports.wacz import WaczError, export_wacz

    try:
        count = export_wacz(collection, output)
    except WaczError as error:
        raise CommandError(str(error)) from error
    click.echo(f"{count} pages packaged in {output}", err=True)
