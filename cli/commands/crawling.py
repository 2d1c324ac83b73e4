"""Commands that crawl: `demo` (the site model on loopback) and `crawl` (any site, the real one by default).

Scrapy and the site model are imported inside the commands, never at module import.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from cli.commands.output import parse_settings, print_json

DEMO_COLLECTION = Path("collections/demo")
SEED_PATH = "/show-case-1616.html"


def _locked(run_crawl: Any, collection: Path, **kwargs: Any) -> dict[str, Any]:
    """Run a crawl, turning "another crawl holds this collection" into a clear error."""
    from archive.collection import CollectionLockedError

    try:
        stats = run_crawl(collection, **kwargs)
    except CollectionLockedError as error:
        raise click.ClickException(str(error)) from None
    reason = stats.get("finish_reason")
    if reason is None:
        raise click.ClickException("the crawl did not start: see the errors logged above")
    if reason == "warc_write_failed":
        raise click.ClickException("the crawl stopped: WARC files could not be written (see the log)")
    return stats


def _fail_if_nothing_fetched(stats: dict[str, Any]) -> None:
    """A run that got no answer at all (no network, wrong proxy, site down) exits non-zero, so that a
    scheduler notices; the summary above says why."""
    if not stats.get("downloader/response_count") and not stats.get("incremental/resumed_from_archive"):
        raise click.ClickException("no response was received: see the failures in the summary above")


def _run_lines(stats: dict[str, Any], seconds: float, first_run_bytes: int | None) -> list[tuple[str, Any]]:
    """Figures of the run that just ended, from Scrapy's statistics."""
    written = int(stats.get("warc/bytes", 0))
    revisits = sum(v for k, v in stats.items() if k.startswith("warc/revisit/"))
    errors = sum(v for k, v in stats.items() if k.startswith(("warc/response/4", "warc/response/5")))
    lines: list[tuple[str, Any]] = [
        ("responses", stats.get("downloader/response_count", 0)),
        ("pages", sum(v for k, v in stats.items() if k.startswith("minzu/pages/"))),
        ("revisits", revisits),
        ("from archive", stats.get("incremental/resumed_from_archive", 0)),
        ("errors", errors + stats.get("log_count/ERROR", 0)),
        ("warc bytes", written),
    ]
    if first_run_bytes:
        lines.append(("of first crawl", f"{100 * written / first_run_bytes:.1f}%"))
    lines += [("seconds", round(seconds, 2)), ("finish reason", stats.get("finish_reason"))]
    from crawler.failures import failure_summary

    for reason, count in failure_summary(stats).items():
        lines.append((f"failed: {reason}", count))
    return lines


def _crawl_report(collection: Path, stats: dict[str, Any], seconds: float, seed_url: str | None) -> None:
    from archive.db.runs import run_figures
    from archive.db.schema import open_archive
    from archive.db.show import show_url, summary

    db = open_archive(collection / "archive.db", readonly=True)
    runs = run_figures(db)
    first_bytes = runs[0].warc_bytes if len(runs) > 1 else None
    click.echo("This run")
    for key, value in _run_lines(stats, seconds, first_bytes):
        click.echo(f"  {key:<16} {value}")
    click.echo("Collection")
    for key, value in summary(db).items():
        click.echo(f"  {key:<16} {value}")
    click.echo(f"  {'folder':<16} {collection}")
    if seed_url:
        row = show_url(db, seed_url)
        click.echo(f"\nSeed article ({seed_url}):")
        if row is None:
            click.echo("  not in the archive")
        else:
            brief = {k: row[k] for k in ("title", "published", "section", "breadcrumb")}
            brief["paragraphs"] = len((row["text"] or "").splitlines())
            brief["images"] = row["images"]
            brief["boilerplate"] = [b["kind"] for b in row["boilerplate"]]
            print_json(brief)


@click.command()
@click.option("--collection", type=click.Path(path_type=Path), default=DEMO_COLLECTION, show_default=True)
@click.option(
    "--site-version", type=int, default=1, show_default=True, help="Which version of the site model."
)
@click.option(
    "--articles",
    type=click.IntRange(min=10),
    default=40,
    show_default=True,
    help="How many articles the site model holds.",
)
@click.option("--resume", is_flag=True, help="Continue the collection's last run if it did not finish.")
def demo(collection: Path, site_version: int, articles: int, resume: bool) -> None:
    """Start the site model on loopback, crawl it, and build the archive in COLLECTION."""
    from crawler.runner import DEMO_SETTINGS, run_crawl
    from sitemodel.server import start_site_model

    with start_site_model(version=site_version, articles=articles) as model:
        click.echo(f"Site model of {model.origin} answering as a proxy on {model.proxy_url}")
        started = time.monotonic()
        stats = _locked(
            run_crawl,
            collection,
            start_urls=[model.origin + "/", model.origin + SEED_PATH],
            overrides={**DEMO_SETTINGS, "ADDRESS_GUARD_ALLOWED": [model.host]},
            proxy_url=model.proxy_url,
            resume=resume,
        )
        seconds = time.monotonic() - started
    _crawl_report(collection, stats, seconds, model.origin + SEED_PATH)
    _fail_if_nothing_fetched(stats)


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
@click.option("--resume", is_flag=True, help="Continue the collection's last run if it did not finish.")
def crawl(
    collection: Path,
    start_urls: tuple[str, ...],
    allowed_domains: tuple[str, ...],
    max_pages: int | None,
    depth: int | None,
    proxy: str | None,
    extra: tuple[str, ...],
    resume: bool,
) -> None:
    """Crawl START_URLs (default: www.56-china.com.cn) into COLLECTION, politely."""
    from crawler.runner import run_crawl

    overrides: dict[str, Any] = {}
    if max_pages is not None:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    if depth is not None:
        overrides["DEPTH_LIMIT"] = depth
    overrides.update(parse_settings(extra))
    started = time.monotonic()
    stats = _locked(
        run_crawl,
        collection,
        start_urls=list(start_urls),
        allowed_domains=list(allowed_domains),
        overrides=overrides,
        proxy_url=proxy,
        resume=resume,
    )
    _crawl_report(collection, stats, time.monotonic() - started, None)
    _fail_if_nothing_fetched(stats)
