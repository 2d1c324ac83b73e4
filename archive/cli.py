"""The `minzu-archive` command: each subcommand is a thin shell over one library call.

Scrapy (and the site model) are imported only inside the commands that crawl, so `search`, `show` and the
other archive commands start fast and work where Scrapy is not installed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from archive import __version__

DEMO_COLLECTION = Path("collections/demo")
SEED_PATH = "/show-case-1616.html"


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minzu-archive")
def cli() -> None:
    """Archive the website of 《中国民族》 magazine into WARC files and a searchable SQLite archive."""


def _crawl_report(collection: Path, stats: dict[str, Any], seconds: float, seed_url: str | None) -> None:
    from archive.db.schema import open_archive
    from archive.db.show import show_url, summary

    db = open_archive(collection / "archive.db", readonly=True)
    figures = summary(db)
    figures["seconds"] = round(seconds, 2)
    figures["finish_reason"] = stats.get("finish_reason")
    figures["warc_files"] = sorted(p.name for p in (collection / "archive").glob("*.warc.gz"))
    click.echo("Crawl summary")
    for key, value in figures.items():
        if key == "warc_files":
            value = len(value)
        click.echo(f"  {key:<16} {value}")
    click.echo(f"  {'collection':<16} {collection}")
    if seed_url:
        row = show_url(db, seed_url)
        click.echo(f"\nSeed article ({seed_url}):")
        if row is None:
            click.echo("  not in the archive")
        else:
            brief = {k: row[k] for k in ("title", "published", "section", "breadcrumb")}
            brief["paragraphs"] = len(row["text"].splitlines())
            brief["images"] = row["images"]
            brief["boilerplate"] = [b["kind"] for b in row["boilerplate"]]
            _print_json(brief)


@cli.command()
@click.option("--collection", type=click.Path(path_type=Path), default=DEMO_COLLECTION, show_default=True)
@click.option(
    "--site-version", type=int, default=1, show_default=True, help="Which version of the site model."
)
def demo(collection: Path, site_version: int) -> None:
    """Start the site model on loopback, crawl it, and build the archive in COLLECTION."""
    from crawler.runner import DEMO_SETTINGS, run_crawl
    from sitemodel.server import start_site_model

    with start_site_model(version=site_version) as model:
        click.echo(f"Site model of {model.origin} answering as a proxy on {model.proxy_url}")
        started = time.monotonic()
        stats = run_crawl(
            collection,
            start_urls=[model.origin + "/", model.origin + SEED_PATH],
            overrides={**DEMO_SETTINGS, "ADDRESS_GUARD_ALLOWED": [model.host]},
            proxy_url=model.proxy_url,
        )
        seconds = time.monotonic() - started
    _crawl_report(collection, stats, seconds, model.origin + SEED_PATH)


@cli.command()
@click.option(
    "--collection", type=click.Path(path_type=Path), default=Path("collections/site"), show_default=True
)
@click.option(
    "--start-url", "start_urls", multiple=True, help="Start URL (repeatable); default: the real site."
)
@click.option("--allowed-domain", "allowed_domains", multiple=True, help="Domain in scope (repeatable).")
@click.option("--max-pages", type=int, default=None, help="Stop after this many responses.")
@click.option("--depth", type=int, default=None, help="Maximum link depth from the start URLs.")
@click.option("--proxy", default=None, help="HTTP proxy for every request (robots.txt included).")
@click.option("-s", "--set", "extra", multiple=True, help="Scrapy setting NAME=VALUE (repeatable).")
def crawl(
    collection: Path,
    start_urls: tuple[str, ...],
    allowed_domains: tuple[str, ...],
    max_pages: int | None,
    depth: int | None,
    proxy: str | None,
    extra: tuple[str, ...],
) -> None:
    """Crawl START_URLs (default: www.56-china.com.cn) into COLLECTION, politely."""
    from crawler.runner import run_crawl

    overrides: dict[str, Any] = {}
    if max_pages is not None:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    if depth is not None:
        overrides["DEPTH_LIMIT"] = depth
    for item in extra:
        name, _, value = item.partition("=")
        overrides[name.strip()] = value
    started = time.monotonic()
    stats = run_crawl(
        collection,
        start_urls=list(start_urls),
        allowed_domains=list(allowed_domains),
        overrides=overrides,
        proxy_url=proxy,
    )
    _crawl_report(collection, stats, time.monotonic() - started, None)


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("query")
@click.option("--section", default=None, help="Only articles of this section (栏目).")
@click.option("--since", default=None, help="Published on or after this date (YYYY-MM-DD).")
@click.option("--until", default=None, help="Published on or before this date (YYYY-MM-DD).")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search(
    db_path: Path,
    query: str,
    section: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Full-text search of article titles and text (Chinese words of two characters or more)."""
    from archive.db.schema import open_archive
    from archive.db.search import search as run_search

    db = open_archive(db_path, readonly=True)
    hits = run_search(db, query, section=section, since=since, until=until, limit=limit)
    if as_json:
        _print_json([_as_dict(hit) for hit in hits])
        return
    if not hits:
        click.echo("No articles found.")
    for hit in hits:
        record = _as_dict(hit)
        click.echo(
            f"{record.get('published') or '----------'}  {record.get('title')}\n    {record.get('url')}"
        )
        if record.get("snippet"):
            click.echo(f"    {record['snippet']}")


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(db_path: Path, url: str, as_json: bool) -> None:
    """Show the archived article at URL: metadata, text, images, boilerplate and captures."""
    from archive.db.schema import open_archive
    from archive.db.show import show_url

    db = open_archive(db_path, readonly=True)
    record = show_url(db, url)
    if record is None:
        raise click.ClickException(f"{url} is not in the archive")
    if as_json:
        _print_json(record)
        return
    click.echo(record["title"] or "(no title)")
    click.echo(f"{record['published'] or ''}  {' > '.join(record['breadcrumb'])}  {record['url']}\n")
    click.echo(record["text"])
    for image in record["images"]:
        click.echo(f"\n[image] {image['src']}  {image.get('caption') or ''}")
    for block in record["boilerplate"]:
        click.echo(f"\n[boilerplate: {block['kind']}] {block['text'].splitlines()[0]} …")
    click.echo(f"\n{len(record['captures'])} capture(s)")


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value):
        return asdict(value)
    return dict(value)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="minzu-archive")


if __name__ == "__main__":
    sys.exit(main())
