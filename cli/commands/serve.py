"""`serve`: the archive in Datasette, read-only, with Chinese search, facets and canned queries."""

from __future__ import annotations

import errno
import socket
from http import HTTPStatus
from pathlib import Path

import click

from cli.commands.reading import DB_ARGUMENT, open_for_command
from cli.errors import STATE, CommandError


def quiet_request_errors() -> None:
    """Datasette prints a full Rich traceback, on stdout, for every failed request when Rich is installed
    (a 404 included). A 4xx is the visitor's mistake, not ours: without Rich, Datasette prints nothing for
    it and a plain traceback (stderr) for a real 500. ``--debug`` keeps Rich's view."""
    if STATE.debug:
        return
    import datasette.app  # registers Datasette's default plugins before we touch one
    import datasette.handle_exception

    datasette.handle_exception.rich = None


def listening_port(host: str, port: int) -> int:
    """``port`` if it can be listened on at ``host`` (0: a free one, so the address printed is the one
    served); a clear error when it is taken or the address is not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will
            probe.bind((host, port))
            return probe.getsockname()[1]
    except OSError as error:
        raise CommandError(
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            "Choose another --port (0 picks a free one)." if error.errno == errno.EADDRINUSE else None,
        ) from None


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@click.command()
@DB_ARGUMENT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8001,
    show_default=True,
    help="Port (0 picks a free one, and prints it).",
)
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    default=None,
    help="Print the response for PATH (e.g. /archive) and exit.",
)
def serve(db_path: Path, host: str, port: int, get_path: str | None) -> None:
    """Browse and search the archive in Datasette (opened immutable: read-only).

    Try /archive/search?q=海西 (canned query), /archive/articles?_search=海西 (table search with facets),
    or /archive/url_captures?url=... for the captures of one URL.
    """
    if get_path is not None and not get_path.startswith("/"):
        raise click.BadParameter(f"{get_path!r} must start with /", param_hint="--get")
    open_for_command(db_path).close()  # upgrade an older archive in place: Datasette only reads
    from archive.serve.inspection import inspect_in_background

    inspecting = inspect_in_background(db_path)  # tables counted while Datasette is imported
    from archive.serve.app import get_path as fetch
    from archive.serve.app import serve_forever

    quiet_request_errors()

    if get_path is not None:
        status, body = fetch(db_path, get_path, inspecting)
        if status >= 400:
            raise CommandError(
                f"GET {get_path} answered {_status_text(status)}",
                f"The archive's pages start at /{db_path.stem}." if status == 404 else None,
            )
        click.echo(body)
        return
    port = listening_port(host, port)
    click.echo(f"Serving {db_path} at http://{host}:{port}/{db_path.stem}", err=True)
    serve_forever(db_path, host, port, inspecting)
