"""Commands that crawl: `demo` (the site model on loopback) and `crawl` (any site, the real one by default).

Scrapy and the site model are imported inside the commands, never at module import. Every option is checked
before the crawl starts (a refused crawl creates no collection folder); Scrapy's own log is quiet unless
asked for with -v, and the summary printed at the end is the report. Ctrl-C stops the crawl cleanly,
prints the summary and exits 130 with the command that resumes it.
"""

from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any

import click

from cli.checks import check_collection
from cli.commands.output import parse_settings, print_json
from cli.errors import CommandError, Interrupted, set_interrupt_hint
from cli.params import POSITIVE, CollectionFolder, DomainName, WebUrl

DEMO_COLLECTION = Path("collections/demo")
DEMO_ARTICLES = 40  # the demo's site model: the README's first command, done in seconds
SEED_PATH = "/show-case-1616.html"


# Requests the crawl decided not to make, by the stats key that counts them: shown in the summary, since
# with a quiet log the summary is where a user learns why a page is missing.
REFUSALS = {
    "address_guard/refused": "internal address",
    "robotstxt/forbidden": "robots.txt",
    "offsite/filtered": "out of scope",
}
# Width of the label column of the summary.
LABEL_WIDTH = 18


def log_level(verbose: int) -> str:
    """Scrapy's log level for -v count: warnings only by default, INFO with -v, DEBUG with -vv."""
    return ("WARNING", "INFO", "DEBUG")[min(verbose, 2)]


def resume_hint(args: str | None = None) -> str:
    """How to continue an interrupted run: the same command with --resume (it fetches nothing twice)."""
    if args is None:
        return "Run the same command again with --resume to continue where it stopped."
    return f"Run `minzu-archive {args} --resume` to continue where it stopped."


def _locked(run_crawl: Any, collection: Path, **kwargs: Any) -> dict[str, Any]:
    """Run a crawl, turning "another crawl holds this collection" into a clear error."""
    from archive.collection import CollectionLockedError

    try:
        stats = run_crawl(collection, **kwargs)
    except CollectionLockedError as error:
        raise CommandError(
            str(error), "Wait for that crawl to end, or crawl into another --collection."
        ) from None
    reason = stats.get("finish_reason")
    if reason is None:
        raise CommandError("the crawl did not start", "Run again with -v to see Scrapy's log.")
    if reason == "warc_write_failed":
        raise CommandError("the crawl stopped: WARC files could not be written (see the log above)")
    return stats


def _demo_command(
    collection: Path, site_version: int, articles: int, as_of: Any, extra: tuple[str, ...]
) -> str:
    """The demo command as given, for the resume hint: resuming against another site model (size,
    version) or with other settings would not continue the same run."""
    parts = ["demo", "--collection", str(collection)]
    if site_version != 1:
        parts += ["--site-version", str(site_version)]
    if articles != DEMO_ARTICLES:
        parts += ["--articles", str(articles)]
    if as_of is not None:
        parts += ["--as-of", _as_of_text(as_of) or ""]
    for setting in extra:
        parts += ["-s", setting]
    return shlex.join(parts)


def _as_of_text(as_of: Any) -> str | None:
    return as_of.date().isoformat() if as_of is not None else None


def _as_of_setting(as_of: Any) -> dict[str, str]:
    return {"ARCHIVE_AS_OF": _as_of_text(as_of)} if as_of is not None else {}


def _fail_if_capped(stats: dict[str, Any], user_cap: int | None) -> None:
    """A crawl cut short by the safety cap is incomplete: say so loudly and exit non-zero. A cap the user
    asked for (--max-pages) is reported too, but it is what was asked, so the exit status stays 0."""
    if stats.get("finish_reason") != "closespider_pagecount":
        return
    if user_cap is not None:
        click.echo(f"Stopped at --max-pages {user_cap}: the archive holds only part of the site.", err=True)
        return
    raise CommandError(
        "INCOMPLETE: the crawl reached the safety cap of CLOSESPIDER_PAGECOUNT responses and stopped",
        "Raise it with -s CLOSESPIDER_PAGECOUNT=N and run again with --resume.",
    )


def _fail_if_nothing_fetched(stats: dict[str, Any]) -> None:
    """A run that got no answer at all (no network, wrong proxy, site down, every URL refused) exits
    non-zero, so that a scheduler notices; the message names the reason the summary shows."""
    from crawler.failures import failure_summary

    if stats.get("downloader/response_count") or stats.get("incremental/resumed_from_archive"):
        return
    refused_address = stats.get("address_guard/first_refused")
    if stats.get("address_guard/refused") and refused_address:
        raise CommandError(
            f"no response was received: {refused_address} is an internal address, and such requests are refused",
            f"To crawl it anyway: -s ADDRESS_GUARD_ALLOWED={refused_address}",
        )
    if failure_summary(stats):
        raise CommandError("no response was received: see the failures in the summary above")
    raise CommandError("no response was received", "Run again with -v to see Scrapy's log.")


def _run_lines(stats: dict[str, Any], seconds: float, first_run_bytes: int | None) -> list[tuple[str, Any]]:
    """Figures of the run that just ended, from Scrapy's statistics."""
    written = int(stats.get("warc/bytes", 0))
    revisits = sum(v for k, v in stats.items() if k.startswith("warc/revisit/"))
    errors = sum(v for k, v in stats.items() if k.startswith(("warc/response/4", "warc/response/5")))
    lines: list[tuple[str, Any]] = [
        ("responses", stats.get("downloader/response_count", 0)),
        ("pages parsed", sum(v for k, v in stats.items() if k.startswith("site/pages/"))),
        ("revisits", revisits),
        ("from archive", stats.get("incremental/resumed_from_archive", 0)),
        ("errors", errors + stats.get("log_count/ERROR", 0)),
        ("warc bytes written", written),
    ]
    if first_run_bytes:
        lines.append(("of first crawl", f"{100 * written / first_run_bytes:.1f}%"))
    lines += [("seconds", round(seconds, 2)), ("finish reason", stats.get("finish_reason"))]
    from crawler.failures import failure_summary

    for reason, count in failure_summary(stats).items():
        lines.append((f"failed: {reason}", count))
    for key, label in REFUSALS.items():
        if stats.get(key):
            lines.append((f"refused: {label}", stats[key]))
    return lines


def _revisit_lines(collection: Path, stats: dict[str, Any], as_of: str | None) -> list[tuple[str, Any]]:
    """What the run found against the archive, and what the schedule holds for the next run."""
    import datetime as dt

    from archive.db.revisits import due_count, refresh_schedule, run_changes
    from archive.db.schema import open_archive
    from archive.sites import get_site

    run_id = stats.get("archive/run_id")
    site = get_site(stats.get("archive/site") or None)  # the ARCHIVE_SITE setting of the run
    db = open_archive(collection / "archive.db")
    try:
        refresh_schedule(db)
        changes = run_changes(db, run_id, site.is_article) if run_id else None
        today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
        next_due = due_count(db, today + dt.timedelta(days=1))
    finally:
        db.close()
    lines: list[tuple[str, Any]] = [
        ("requests sent", stats.get("downloader/request_count", 0)),
        ("due re-checks", stats.get("revisit/due_queued", 0)),
    ]
    if changes is not None:
        lines += [
            ("new articles", len(changes.new_articles)),
            ("changed", len(changes.changed)),
            ("gone", len(changes.gone)),
        ]
    lines.append(("due next run", next_due))
    return lines


def _completeness(db: Any, collection: Path, stats: dict[str, Any]) -> None:
    """The summary ends with the verdict on the whole collection: what was found and is not archived."""
    from archive.db.completeness import completeness_line, completeness_report
    from archive.sites import get_site

    site = get_site(stats.get("archive/site") or None)
    report = completeness_report(db, site=site, warc_dir=collection / "archive")
    click.echo(f"\n{completeness_line(report)}")
    if not report.complete:
        click.echo(f"  the missing URLs: minzu-archive report {collection} (--json, --html FILE)")


def _crawl_report(
    collection: Path, stats: dict[str, Any], seconds: float, seed_url: str | None, as_of: str | None = None
) -> None:
    from archive.db.runs import run_figures
    from archive.db.schema import open_archive
    from archive.db.show import show_url, summary

    revisit_lines = _revisit_lines(collection, stats, as_of)
    db = open_archive(collection / "archive.db", readonly=True)
    runs = run_figures(db)
    first_bytes = runs[0].warc_bytes if len(runs) > 1 else None
    run_lines = _run_lines(stats, seconds, first_bytes)
    collection_lines = [(key.replace("_", " "), value) for key, value in summary(db).items()]
    collection_lines.append(("folder", collection))
    width = max(LABEL_WIDTH, *(len(label) for label, _ in run_lines))
    click.echo("This run")
    for label, value in run_lines:
        click.echo(f"  {label:<{width}} {value}")
    click.echo("Revisits")
    for label, value in revisit_lines:
        click.echo(f"  {label:<{width}} {value}")
    click.echo("Collection (all runs)")
    for label, value in collection_lines:
        click.echo(f"  {label:<{width}} {value}")
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
    _completeness(db, collection, stats)


VERBOSE_OPTION = click.option(
    "-v", "--verbose", count=True, help="Show Scrapy's log: -v for INFO, -vv for DEBUG (default: warnings)."
)


def _stop_if_interrupted(stats: dict[str, Any]) -> None:
    """Scrapy stops cleanly on the first Ctrl-C (finish reason ``shutdown``): the summary has been
    printed; the exit status says the run is unfinished, and the hint how to resume it."""
    if stats.get("finish_reason") == "shutdown":
        raise Interrupted("interrupted: the run is unfinished")


@click.command()
@click.option("--collection", type=CollectionFolder(), default=DEMO_COLLECTION, show_default=True)
@click.option(
    "--site-version",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="Which version of the site model (1 or 2).",
)
@click.option(
    "--articles",
    type=click.IntRange(min=10),
    default=DEMO_ARTICLES,
    show_default=True,
    help="How many articles the site model holds.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the revisit schedule treats as today (YYYY-MM-DD); WARC dates stay the real time.",
)
@click.option("-s", "--set", "extra", multiple=True, help="Scrapy setting NAME=VALUE (repeatable).")
@click.option("--resume", is_flag=True, help="Continue the collection's last run if it did not finish.")
@VERBOSE_OPTION
def demo(
    collection: Path,
    site_version: int,
    articles: int,
    as_of: Any,
    extra: tuple[str, ...],
    resume: bool,
    verbose: int,
) -> None:
    """Start the site model on loopback, crawl it, and build the archive in COLLECTION."""
    settings = parse_settings(extra)  # a malformed -s is refused before the model starts
    check_collection(collection)
    set_interrupt_hint(resume_hint(_demo_command(collection, site_version, articles, as_of, extra)))
    from archive.sites import DEFAULT_SITE
    from crawler.runner import DEMO_SETTINGS, run_crawl
    from sitemodel.server import start_site_model

    # The model answers for the real host, over https as the real site does, so the demo crawls exactly the
    # real-site start URLs; only politeness delays differ. Its one refused image (a trouble for the tests of
    # the completeness report) is served here, so a demo archive is complete. No request log: it would grow
    # with the site in the demo's own process.
    with start_site_model(
        version=site_version, articles=articles, refused_image=False, keep_log=False
    ) as model:
        click.echo(f"Site model of {DEFAULT_SITE.origin} answering as a proxy on {model.proxy_url}")
        started = time.monotonic()
        stats = _locked(
            run_crawl,
            collection,
            start_urls=list(DEFAULT_SITE.start_urls),
            overrides={
                **DEMO_SETTINGS,
                "ADDRESS_GUARD_ALLOWED": [model.host],
                **_as_of_setting(as_of),
                **({"LOG_LEVEL": log_level(verbose)} if verbose else {}),
                **settings,
            },
            proxy_url=model.proxy_url,
            resume=resume,
        )
        seconds = time.monotonic() - started
    _crawl_report(collection, stats, seconds, DEFAULT_SITE.origin + SEED_PATH, _as_of_text(as_of))
    _stop_if_interrupted(stats)
    _fail_if_capped(stats, None)
    _fail_if_nothing_fetched(stats)


@click.command()
@click.option("--collection", type=CollectionFolder(), default=Path("collections/site"), show_default=True)
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    type=WebUrl(),
    help="Start URL, http:// or https:// (repeatable); default: the real site.",
)
@click.option(
    "--allowed-domain",
    "allowed_domains",
    multiple=True,
    type=DomainName(),
    help="Domain in scope (repeatable).",
)
@click.option(
    "--max-pages",
    type=POSITIVE,
    default=None,
    help="Stop after this many responses (default: the whole site).",
)
@click.option(
    "--depth",
    type=POSITIVE,
    default=None,
    help="Maximum link depth from the start URLs (default: none; traps are recognised instead).",
)
@click.option(
    "--proxy", type=WebUrl(), default=None, help="HTTP proxy URL for every request (robots.txt included)."
)
@click.option("-s", "--set", "extra", multiple=True, help="Scrapy setting NAME=VALUE (repeatable).")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the revisit schedule treats as today (YYYY-MM-DD); WARC dates stay the real time.",
)
@click.option("--resume", is_flag=True, help="Continue the collection's last run if it did not finish.")
@VERBOSE_OPTION
def crawl(
    collection: Path,
    start_urls: tuple[str, ...],
    allowed_domains: tuple[str, ...],
    max_pages: int | None,
    depth: int | None,
    proxy: str | None,
    extra: tuple[str, ...],
    as_of: Any,
    resume: bool,
    verbose: int,
) -> None:
    """Crawl START_URLs (default: the site's own start URLs) into COLLECTION, politely.

    Scrapy's log shows only warnings and errors unless -v is given; the summary at the end lists the
    run's figures, its failures and the requests it refused (robots.txt, internal addresses, scope).
    """
    overrides: dict[str, Any] = {"LOG_LEVEL": log_level(verbose)}
    if max_pages is not None:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    if depth is not None:
        overrides["DEPTH_LIMIT"] = depth
    overrides.update(_as_of_setting(as_of))
    overrides.update(parse_settings(extra))
    check_collection(collection)
    set_interrupt_hint(resume_hint())
    from crawler.runner import run_crawl

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
    _crawl_report(collection, stats, time.monotonic() - started, None, overrides.get("ARCHIVE_AS_OF"))
    _stop_if_interrupted(stats)
    _fail_if_capped(stats, overrides.get("CLOSESPIDER_PAGECOUNT"))
    _fail_if_nothing_fetched(stats)
