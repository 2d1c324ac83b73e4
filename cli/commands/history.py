"""`history`: every capture of one URL over time, with a unified diff wherever its text changed."""

from __future__ import annotations

from pathlib import Path

import click

from cli.commands.output import print_json
from cli.commands.reading import DB_ARGUMENT, open_for_command, resolve_url
from cli.errors import CommandError


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@click.command()
@DB_ARGUMENT
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def history(db_path: Path, url: str, as_json: bool) -> None:
    """Every capture of URL, oldest first, and what changed in its text between versions.

    URL is matched as `show` matches it (scheme, host case, #fragment and escaping set aside).
    """
    from archive.db.history import url_history

    db = open_for_command(db_path)
    archived = resolve_url(db, url)
    found = url_history(db, archived)
    if found is None:
        raise CommandError(f"{url} is not in the archive")
    if as_json:
        print_json({**found, "requested_url": url})
        return
    captures = found["captures"]
    click.echo(
        f"{archived}\n{_plural(len(captures), 'capture')}, {_plural(found['versions'], 'version')} of the text\n"
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
