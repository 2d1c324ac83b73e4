"""The `minzu-archive` command: each subcommand is a thin shell over one library call.

Subcommands live in `archive/commands/`, one module per family. Scrapy and the site model are imported only
inside the commands that crawl, so the archive commands start fast and work without Scrapy.
"""

from __future__ import annotations

import click

from archive import __version__
from archive.commands.crawling import crawl, demo
from archive.commands.export import export
from archive.commands.extract import extract
from archive.commands.history import history
from archive.commands.reading import search, show
from archive.commands.rebuild import rebuild
from archive.commands.serve import serve
from archive.commands.warc_tools import check, replay


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minzu-archive")
def cli() -> None:
    """Archive the website of 《中国民族》 magazine into WARC files and a searchable SQLite archive."""


for command in (demo, crawl, search, show, history, extract, serve, export, check, replay, rebuild):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="minzu-archive")
