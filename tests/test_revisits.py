"""The revisit schedule: intervals that grow and shrink, the per-run cap, and a schedule rebuilt from WARCs."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from archive.db.revisits import Check, RevisitPolicy, derive_schedule, first_interval, spread
from sitemodel.server import start_site_model
from tests.conftest import HTTPS_ORIGIN, LOOPBACK_SETTINGS, cli

POLICY = RevisitPolicy(min_days=1, max_days=30, media_max_days=90, unknown_age_days=7, age_share=0.1)
DAY = dt.date(2026, 1, 1)


def check(days: int, digest: str | None = "a", status: int = 200, kind: str = "response") -> Check:
    return Check(DAY + dt.timedelta(days=days), f"t{days:04d}", kind, status, digest, False, None)


def test_first_interval_follows_the_content_age() -> None:
    assert first_interval(POLICY, "page", DAY, DAY - dt.timedelta(days=3)) == 1  # new: checked soon
    assert first_interval(POLICY, "page", DAY, DAY - dt.timedelta(days=100)) == 10
    assert first_interval(POLICY, "page", DAY, DAY - dt.timedelta(days=3000)) == 30  # old: at the cap
    assert first_interval(POLICY, "page", DAY, None) == 7
    assert first_interval(POLICY, "media", DAY, None) == 90


def test_interval_grows_while_unchanged_and_shrinks_on_change() -> None:
    url = "https://h/show-case-1.html"
    history = [check(0)]
    intervals = [derive_schedule(POLICY, url, "page", history).interval_days]
    for day, kind in ((7, "revisit"), (21, "response"), (49, "revisit")):
        history.append(check(day, "a", 304 if kind == "revisit" else 200, kind))
        intervals.append(derive_schedule(POLICY, url, "page", history).interval_days)
    assert intervals == [7, 14, 28, 30]  # doubling, identical payloads count as unchanged, capped
    history.append(check(80, "b"))
    changed = derive_schedule(POLICY, url, "page", history)
    assert (changed.interval_days, changed.last_outcome, changed.changes) == (15, "changed", 1)
    history.append(check(95, "c"))
    assert derive_schedule(POLICY, url, "page", history).interval_days == 7.5
    due = dt.date.fromisoformat(derive_schedule(POLICY, url, "page", history).next_due)
    assert DAY + dt.timedelta(days=95 + 5) <= due <= DAY + dt.timedelta(days=95 + 8)


def test_gone_errors_and_spread() -> None:
    url = "https://h/show-case-2.html"
    gone = derive_schedule(POLICY, url, "page", [check(0), check(10, None, 404)])
    assert gone.last_outcome == "gone" and gone.interval_days == 30
    error = derive_schedule(POLICY, url, "page", [check(0), check(10, None, 503)])
    assert error.last_outcome == "error" and error.next_due == (DAY + dt.timedelta(days=11)).isoformat()
    spreads = {spread(f"https://h/{n}") for n in range(200)}
    assert min(spreads) >= 0.75 and max(spreads) < 1 and len(spreads) > 150


def crawl(collection: Path, proxy_url: str, as_of: dt.date, *extra: str) -> str:
    settings = [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    args = ["crawl", "--collection", str(collection), "--proxy", proxy_url, "--start-url", HTTPS_ORIGIN + "/"]
    return cli(*args, "--as-of", as_of.isoformat(), *settings, *extra).stdout


def run_stats(collection: Path) -> list[dict]:
    conn = sqlite3.connect(collection / "archive.db")
    rows = conn.execute("select stats from crawl_runs order by started").fetchall()
    return [json.loads(stats)["stats"] for (stats,) in rows]


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """Day 0: version 1 archived. Day 1: version 2, the day after. Day 61: version 2 again, two months on."""
    collection = tmp_path_factory.mktemp("scheduled")
    today = dt.date.today()
    with start_site_model(version=1) as first:
        crawl(collection, first.proxy_url, today)
    with start_site_model(version=2) as second:
        crawl(collection, second.proxy_url, today + dt.timedelta(days=1))
        crawl(collection, second.proxy_url, today + dt.timedelta(days=61))
        return collection, second.site


def test_the_day_after_asks_for_little(scheduled) -> None:
    collection, _ = scheduled
    first, next_day, _ = run_stats(collection)
    assert next_day["downloader/request_count"] <= 0.25 * first["downloader/request_count"]
    assert next_day["revisit/not_due_skipped"] > 0


def test_two_months_on_every_edit_and_removal_is_caught(scheduled) -> None:
    collection, site = scheduled
    conn = sqlite3.connect(collection / "archive.db")
    for article in (a for a in site.articles if a.updated):
        versions = conn.execute(
            "select count(distinct text) from articles where url = ? and status = 'ok'",
            [HTTPS_ORIGIN + article.path],
        ).fetchone()[0]
        assert versions == 2, article.path
    for path in site.removed_paths:
        outcome = conn.execute(
            "select last_outcome from revisit_schedule where url = ?", [HTTPS_ORIGIN + path]
        ).fetchone()
        assert outcome == ("gone",)


def test_the_per_run_cap_bounds_re_validations(scheduled, tmp_path: Path) -> None:
    collection, _ = scheduled
    capped = tmp_path / "capped"
    import shutil

    shutil.copytree(collection, capped)
    with start_site_model(version=2) as model:
        later = dt.date.today() + dt.timedelta(days=200)
        output = crawl(capped, model.proxy_url, later, "-s", "ARCHIVE_REVISIT_MAX_PER_RUN=5")
    assert run_stats(capped)[-1]["revisit/due_queued"] == 5
    assert "due next run" in output


def test_the_schedule_is_rebuilt_from_the_warc_files(scheduled, tmp_path: Path) -> None:
    collection, _ = scheduled
    rebuilt = tmp_path / "rebuilt.db"
    cli("rebuild", str(collection / "archive"), "--db", str(rebuilt))
    from archive.db.revisits import refresh_schedule
    from archive.db.schema import open_archive

    rows = {}
    for path in (collection / "archive.db", rebuilt):
        db = open_archive(path)
        refresh_schedule(db)
        rows[path] = sorted(db.execute("select * from revisit_schedule").fetchall())
        db.close()
    live, again = rows.values()
    assert len(live) > 100
    assert live == again
