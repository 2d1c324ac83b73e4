"""`rebuild`: the SQLite archive from WARC files alone (the WARC files are the source of truth)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from cli.checks import check_target_database, foreign_start
from cli.commands.output import print_json
from cli.errors import CommandError, expected_message, set_interrupt_hint
from cli.params import OutputFile


@click.command()
@click.argument(
    "paths", metavar="WARC_OR_DIR...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--db",
    "db_path",
    required=True,
    type=OutputFile(),
    help="Archive database to build (created if missing; rows already there are updated, not lost).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Extraction processes [default: one per CPU; 0 extracts in the main process].",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def rebuild(paths: tuple[Path, ...], db_path: Path, workers: int | None, quiet: bool, as_json: bool) -> None:
    """Build the archive at --db from WARC/ARC files (directories are searched recursively).

    Each file gets an outcome; reading goes on past damage, so a damaged region costs only its own
    records. Exit status 3 means the archive was built but damage was found (damaged regions, skipped
    records, bad digests, unreadable files: listed in the summary); 1 is a failure. Rebuilding from the
    same files again changes nothing.
    """
    set_interrupt_hint("Run the same rebuild again to finish: what it ingested so far is kept.")
    from tqdm import tqdm

    from archive.rebuild import find_warc_files
    from archive.rebuild import rebuild as run_rebuild

    files = find_warc_files(paths)
    if not files:
        raise CommandError(
            f"no WARC or ARC files in {', '.join(map(str, paths))}",
            "Give WARC files (.warc, .warc.gz, .arc, .arc.gz) or folders holding them.",
        )
    for path in paths:
        start = foreign_start(path) if path.is_file() else None
        if start:
            raise CommandError(
                f"{path} is not a WARC or ARC file: it starts with {start!r}",
                "Give WARC files (.warc, .warc.gz, .arc, .arc.gz) or folders holding them.",
            )
    check_target_database(db_path, hint="Give --db a new file name, or an archive built by this version.")
    total = sum(path.stat().st_size for path in files if path.is_file())
    disable = quiet or not sys.stderr.isatty()
    try:
        with tqdm(
            total=total, unit="B", unit_scale=True, desc="rebuild", file=sys.stderr, disable=disable
        ) as bar:
            report = run_rebuild(paths, db_path, workers=workers, progress=bar.update)
    except sqlite3.DatabaseError as error:
        if expected_message(error) is None:
            raise  # a query this code got wrong: a bug, reported as one
        raise CommandError(
            f"{db_path}: {error}", "The WARC files are untouched: rebuild into a new file with --db NEW.db."
        ) from error
    summary = _summary(report)
    summary["damaged_regions"] = [
        {"file": d.filename, "start": d.start, "end": d.end, "kind": d.kind, "reason": d.reason}
        for d in getattr(report, "damage", [])
    ]
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)
        for region in summary["damaged_regions"]:
            click.echo(
                f"  damaged: {region['file']} bytes {region['start']}-{region['end']} ({region['kind']})"
            )
    if report.exit_status:
        raise SystemExit(report.exit_status)


def _summary(report: Any) -> dict[str, Any]:
    return {
        "files": len(report.files),
        "records": report.records,
        "captures": report.captures,
        "articles": report.articles,
        "skipped": sum(report.skip_reasons().values()),
        "skip_reasons": dict(sorted(report.skip_reasons().items())),
        "digest_problems": sum(len(o.problems) for o in report.files),
        "seconds": round(report.seconds, 2),
        "workers": report.workers,
        "file_outcomes": [
            {
                "file": o.filename,
                "records": o.records,
                "ingested": o.ingested,
                "skipped": len(o.skipped),
                "digest_problems": len(o.problems),
                "damaged_at": o.read_error_offset,
                "damage": o.read_error,
            }
            for o in report.files
        ],
    }


def _print_summary(summary: dict[str, Any]) -> None:
    for outcome in summary["file_outcomes"]:
        state = "ingested" if not outcome["damage"] and not outcome["skipped"] else "ingested, with problems"
        line = f"  {outcome['file']}: {outcome['records']} records {state}"
        if outcome["skipped"]:
            line += f"; {outcome['skipped']} skipped"
        if outcome["digest_problems"]:
            line += f"; {outcome['digest_problems']} bad digest(s)"
        if outcome["damage"]:
            line += f"; unreadable from offset {outcome['damaged_at']}: {outcome['damage']}"
        click.echo(line)
    click.echo("Rebuild summary")
    for key in ("files", "records", "captures", "articles", "skipped", "digest_problems", "seconds"):
        click.echo(f"  {key:<16} {summary[key]}")
    for reason, count in summary["skip_reasons"].items():
        click.echo(f"    {count} × {reason}")
