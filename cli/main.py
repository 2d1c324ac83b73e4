"""The `minzu-archive` command: each subcommand is a thin shell over one library call.

Subcommands live in `cli/commands/`, one module per family, and a module is imported only when one of its
commands runs (or when the help lists them): a command that reads the archive never loads Scrapy or the
extraction stack, so it starts fast. Every failure leaves through :func:`cli.errors.handle`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import import_module

import click

from archive import __version__
from cli.errors import STATE, handle

# command name -> (module, attribute): the whole command line, loaded one command at a time.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("cli.commands.warc_tools", "check"),
    "crawl": ("cli.commands.crawling", "crawl"),
    "demo": ("cli.commands.crawling", "demo"),
    "export": ("cli.commands.export", "export"),
    "extract": ("cli.commands.extract", "extract"),
    "history": ("cli.commands.history", "history"),
    "rebuild": ("cli.commands.rebuild", "rebuild"),
    "report": ("cli.commands.report", "report"),
    "replay": ("cli.commands.warc_tools", "replay"),
    "search": ("cli.commands.reading", "search"),
    "serve": ("cli.commands.serve", "serve"),
    "show": ("cli.commands.reading", "show"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported by name when needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command = getattr(import_module(module), attribute)
        self.commands[cmd_name] = command
        return command


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        STATE.debug = True


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minzu-archive")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    envvar="MINZU_ARCHIVE_DEBUG",
    help="Show the full traceback of any error (errors are otherwise one line).",
)
def cli() -> None:
    """Archive the website of 《中国民族》 magazine into WARC files and a searchable SQLite archive.

    Errors are printed as one line on stderr; the exit status is 0 on success, 1 on a failure,
    2 on a usage error and 130 after Ctrl-C.
    """


def run(args: Sequence[str] | None = None) -> int:
    """Run the command line on ``args`` (default: ``sys.argv[1:]``) and return the exit status."""
    try:
        result = cli.main(args=args, prog_name="minzu-archive", standalone_mode=False)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException as error:  # every failure, expected or not, leaves through one place
        return handle(error)
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
