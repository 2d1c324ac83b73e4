"""Commands over WARC files themselves: `check` (are they sound?) and `replay` (crawl them again, offline).

Both take files or folders; a folder stands for the WARC files directly inside it. Scrapy is imported only by
`replay`, inside the command.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from cli.checks import check_collection, foreign_start, warc_file_problem
from cli.commands.output import parse_settings, print_json
from cli.errors import CommandError, Interrupted, set_interrupt_hint
from cli.params import CollectionFolder, WebUrl

WARC_PATTERNS = ("*.warc.gz", "*.warc", "*.arc.gz", "*.arc")
MESSAGE_WIDTH = 160


def _short(message: str) -> str:
    """Reader errors may quote raw gzip bytes: keep a report line printable and short."""
    text = "".join(ch if ch.isprintable() else "?" for ch in " ".join(message.split()))
    return text if len(text) <= MESSAGE_WIDTH else text[: MESSAGE_WIDTH - 3] + "..."


def expand_warc_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory expands to the (W)ARC files inside it, sorted by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted({hit for pattern in WARC_PATTERNS for hit in path.glob(pattern)}))
        else:
            found.append(path)
    return found


@click.command()
@click.argument(
    "paths", metavar="WARC...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the files that fail.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per file, as a list.")
def check(paths: tuple[Path, ...], quiet: bool, as_json: bool) -> None:
    """Verify digests and WARC/1.1 rules of each file; exit 1 if any file has an error."""
    from archive.warc.check import RecordIds, check_warc

    files = expand_warc_paths(paths)
    record_ids = RecordIds()  # WARC-Record-IDs must be unique across every file checked together
    if not files:
        raise click.UsageError("no WARC files found")
    failed = 0
    records = []
    for path in files:
        start = foreign_start(path)
        report = (
            _not_an_archive_report(path, f"it starts with {start!r}")
            if start
            else check_warc(path, record_ids=record_ids)
        )
        failed += not report.ok
        if as_json:
            records.append(_check_record(path, report))
            continue
        if quiet and report.ok:
            continue
        verdict = "OK" if report.ok else "FAILED"
        warnings = len(report.problems) - len(report.errors)
        click.echo(
            f"{verdict} {path}: {report.records} records, {len(report.errors)} errors, {warnings} warnings"
        )
        for problem in report.problems:
            where = f"offset {problem.offset}"
            if problem.record_type:
                where += f" {problem.record_type}"
            if problem.record_id:
                where += f" {problem.record_id}"
            click.echo(f"  {problem.severity}: {where}: {_short(problem.message)}")
    if as_json:
        print_json([record for record in records if not (quiet and record["ok"])])
    else:
        click.echo(f"{len(files) - failed} of {len(files)} files passed")
    if failed:
        raise SystemExit(1)


def _not_an_archive_report(path: Path, reason: str) -> Any:
    """The report of a file that is not a WARC at all, in the shape ``check_warc`` gives (warcio would
    print pages of warnings before giving up on it)."""
    from archive.warc.check import CheckProblem, CheckReport

    problem = CheckProblem(0, None, None, "error", f"not a WARC or ARC file: {reason}")
    return CheckReport(path, 0, (problem,))


def _check_record(path: Path, report: Any) -> dict[str, Any]:
    return {
        "file": str(path),
        "ok": report.ok,
        "records": report.records,
        "errors": len(report.errors),
        "warnings": len(report.problems) - len(report.errors),
        "problems": [
            {
                "severity": problem.severity,
                "warc_offset": problem.offset,
                "record_type": problem.record_type,
                "record_id": problem.record_id,
                "message": _short(problem.message),
            }
            for problem in report.problems
        ],
    }


REPLAY_INDEX_NAME = "replay-source.cdxj"
REPLAY_FIGURES = ("replay/hits", "replay/misses", "warc/records", "finish_reason")


@click.command()
@click.argument(
    "sources", metavar="WARC_OR_DIR...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--collection", required=True, type=CollectionFolder(), help="New collection to write.")
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    type=WebUrl(),
    help="Start URL (repeatable); default: the seeds in the warcinfo.",
)
@click.option("-s", "--set", "extra", multiple=True, help="Scrapy setting NAME=VALUE (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def replay(
    sources: tuple[Path, ...],
    collection: Path,
    start_urls: tuple[str, ...],
    extra: tuple[str, ...],
    as_json: bool,
) -> None:
    """Crawl the WARC files in SOURCES again, offline, into a new COLLECTION (its own WARC files and DB).

    The spider runs as it would on the live site; every request is answered from the latest capture of its
    URL (404 if the archive lacks it), so a newer spider or extractor can be run over an old crawl."""
    from archive.warc.index import build_cdxj_index
    from archive.warc.playback import recorded_seeds
    from crawler.replay import replay_settings
    from crawler.runner import run_crawl

    files = expand_warc_paths(sources)
    if not files:
        raise click.UsageError("no WARC files found")
    new_warc_dir = (collection / "archive").resolve()
    if any(path.resolve().parent == new_warc_dir for path in files):
        raise click.UsageError("replay into another collection than the one replayed")
    for path in files:
        problem = warc_file_problem(path)
        if problem:
            raise CommandError(problem, "Give WARC files (.warc, .warc.gz) or folders holding them.")
    overrides: dict[str, object] = {"LOG_LEVEL": "WARNING"}
    overrides.update(parse_settings(extra))
    seeds = list(start_urls) or recorded_seeds(files)
    if not seeds:
        raise click.UsageError("no --start-url given and no seeds recorded in the WARC files")
    check_collection(collection)
    index = build_cdxj_index(files, collection / REPLAY_INDEX_NAME)
    overrides = {**replay_settings(index), **overrides}
    set_interrupt_hint(f"The replay into {collection} stopped; replay again into a new --collection.")
    stats = run_crawl(collection, start_urls=seeds, overrides=overrides)
    summary = {
        "warc_files": len(files),
        "collection": str(collection),
        **{key.replace("/", "_"): stats.get(key, 0) for key in REPLAY_FIGURES},
    }
    if as_json:
        print_json(summary)
    else:
        click.echo(f"Replayed {len(files)} WARC files into {collection}")
        for key in REPLAY_FIGURES:
            click.echo(f"  {key:<16} {stats.get(key, 0)}")
    if stats.get("finish_reason") == "shutdown":
        raise Interrupted()
