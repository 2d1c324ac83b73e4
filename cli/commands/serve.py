"""`serve`: the archive in Datasette, read-only, with Chinese search, facets and canned queries."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8001, show_default=True, help="Port (0 picks a free one).")
@click.option("--get", "get_path", metavar="PATH", default=None, help="Print the response for PATH and exit.")
def serve(db_path: Path, host: str, port: int, get_path: str | None) -> None:
    """Browse and search the archive in Datasette (opened immutable: read-only).

    Try /archive/search?q=海西 (canned query), /archive/articles?_search=海西 (table search with facets),
    or /archive/url_captures?url=... for the captures of one URL.
    """
    from archive.serve.app import get_path as fetch
    from archive.serve.app import serve_forever
    from cli.commands.reading import open_for_command

    open_for_command(db_path).close()  # upgrade an older archive in place: Datasette only reads
    if get_path is not None:
        status, body = fetch(db_path, get_path)
        click.echo(body)
        if status >= 400:
            raise SystemExit(1)
        return
    click.echo(f"Serving {db_path} at http://{host}:{port}/{db_path.stem}", err=True)
    serve_forever(db_path, host, port)
