"""`history`: every capture of one URL over time, with a unified diff wherever its text changed."""

from __future__ import annotations

from pathlib import Path

import click

from cli.commands.output import print_json


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@click.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def history(db_path: Path, url: str, as_json: bool) -> None:
    """Every capture of URL, oldest first, and what changed in its text between versions."""
    from archive.db.history import url_history
    from cli.commands.reading import open_for_command

    db = open_for_command(db_path)
    found = url_history(db, url)
    if found is None:
        raise click.ClickException(f"{url} is not in the archive")
    if as_json:
        print_json(found)
        return
    captures = found["captures"]
    click.echo(
        f"{url}\n{_plural(len(captures), 'capture')}, {_plural(found['versions'], 'version')} of the text\n"
    )
    for capture in captures:
        status = capture["http_status"] if capture["http_status"] is not None else "-"
        title = f"  {capture['title']}" if capture["change"] == "first" else ""
        click.echo(
            f"{capture['fetched_at']}  {capture['record_type']:<8} {status}  {capture['change']}{title}"
        )
        click.echo(f"    {capture['warc_filename']}:{capture['warc_offset']}  {capture['record_id']}")
        if capture["diff"]:
            click.echo("\n".join("    " + line for line in capture["diff"].splitlines()))
