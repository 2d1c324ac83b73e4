"""The `extract` command: run the ingest extraction on one saved page and show where each field came from.

An archivist who doubts a row in the archive can save the page (or take it out of a WARC file) and see
exactly what extraction makes of it, field by field, with the rule that produced each field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from cli.commands.output import print_json

# Fields shown in the order a reader checks them; each one is paired with its rule in ``rules``.
FIELDS = ("title", "published", "author", "source", "editor", "section")


def extraction_report(result: Any) -> dict[str, Any]:
    """What the command prints, as data: one place so ``--json`` and the text view cannot drift."""
    return {
        "url": result.url,
        "article_status": result.status,  # the name `show` and `history` give it
        "error": result.error,
        **{name: getattr(result, name) for name in FIELDS},
        "breadcrumb": list(result.breadcrumb),
        "text": result.text,
        "images": [{"src": image.src, "caption": image.caption} for image in result.images],
        "boilerplate": [{"kind": block.kind, "text": block.text} for block in result.boilerplate],
        "rules": dict(result.rules),
        "extractor_version": result.extractor_version,
    }


def _print_text(report: dict[str, Any]) -> None:
    rules = report["rules"]
    click.echo(f"status: {report['article_status']}" + (f" ({report['error']})" if report["error"] else ""))
    for name in FIELDS:
        value = report[name]
        rule = rules.get(name)
        click.echo(f"{name}: {value if value is not None else '-'}" + (f"  [{rule}]" if rule else ""))
    for name in ("body", "breadcrumb", "encoding", "status"):
        if name in rules and name not in FIELDS:
            click.echo(f"rule for {name}: {rules[name]}")
    click.echo("")
    click.echo(report["text"])
    if report["images"]:
        click.echo("\nimages:")
        for image in report["images"]:
            click.echo(f"  {image['src']}  {image['caption'] or ''}".rstrip())
    if report["boilerplate"]:
        click.echo("\nboilerplate:")
        for block in report["boilerplate"]:
            first = block["text"].split("\n", 1)[0]
            click.echo(f"  [{block['kind']}] {first}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The page's URL (picks the site profile, resolves links).")
@click.option("--content-type", default=None, help="The HTTP Content-Type, when the charset came from it.")
@click.option(
    "--capture-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Day the page was fetched (YYYY-MM-DD): no later date is accepted as its publication date.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def extract(
    file: Path, url: str | None, content_type: str | None, capture_date: dt.datetime | None, as_json: bool
) -> None:
    """Extract one saved HTML page (raw bytes, any charset) exactly as ingest does."""
    from archive.extract import extract_page

    result = extract_page(
        file.read_bytes(),
        url or file.resolve().as_uri(),
        content_type=content_type,
        capture_date=capture_date.date() if capture_date else None,
    )
    report = extraction_report(result)
    if as_json:
        print_json(report)
    else:
        _print_text(report)
