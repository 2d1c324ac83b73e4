"""Crawl runs as an archivist compares them: what each run wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class RunFigures:
    run_id: str
    started: str | None
    finish_reason: str | None
    warc_bytes: int
    responses: int


def run_figures(db: sqlite_utils.Database) -> list[RunFigures]:
    """Every run with an end-of-run statistics record, oldest first."""
    figures = []
    rows = db.execute(
        "select run_id, started, stats from crawl_runs where stats is not null "
        "order by coalesce(started, first_warcinfo_at), run_id"
    ).fetchall()
    for run_id, started, stats_json in rows:
        body = json.loads(stats_json)
        stats = body.get("stats", {})
        figures.append(
            RunFigures(
                run_id=run_id,
                started=started,
                finish_reason=body.get("finish_reason"),
                warc_bytes=int(stats.get("warc/bytes", 0)),
                responses=int(stats.get("downloader/response_count", 0)),
            )
        )
    return figures
