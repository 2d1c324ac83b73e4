"""The `minzu-archive` command: each subcommand is a thin shell over one library call.

Subcommands live in `cli/commands/`, one module per family. Scrapy and the site model are imported only
inside the commands that crawl, so the archive commands start fast and work without Scrapy.
"""

from __future__ import annotations

import click

from archive import __version__
from cli.commands.crawling import crawl, demo
from cli.commands.export import export
from cli.commands.extract import extract
from cli.commands.history import history
from cli.commands.reading import search, show
from cli.commands.rebuild import rebuild
from cli.commands.report import report
from cli.commands.serve import serve
from cli.commands.warc_tools import check, replay


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minzu-archive")
def cli() -> None:
    """Archive the website of 《中国民族》 magazine into WARC files and a searchable SQLite archive."""


for command in (demo, crawl, search, show, history, extract, serve, export, check, replay, rebuild, report):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="minzu-archive")
