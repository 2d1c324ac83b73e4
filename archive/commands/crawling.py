"""Commands that crawl: `demo` (the site model on loopback) and `crawl` (any site, the real one by default).

Scrapy and the site model are imported inside the commands, never at module import.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from archive.commands.output import print_json

DEMO_COLLECTION = Path("collections/demo")
SEED_PATH = "/show-case-1616.html"


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
            print_json(brief)


@click.command()
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


@click.command()
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
