"""A simulated month of daily scheduled crawls: requests per day, and how long each edit took to be caught.

    python -m benchmarks revisits [--articles 10000] [--days 30] [--quick]
    python -m benchmarks revisits --jump --articles 3000      # day 0, the day after, and 60 days later

Day 0 archives version 1 of the site model with ``minzu-archive demo``; from day 1 on the model serves
version 2 (about 1% of articles edited, 0.5% removed, 1% new, one image replaced) and one ``demo`` run a day
follows, each with ``--as-of`` set to its simulated day, so the revisit schedule sees a month pass while the
machine sees a few minutes. Each day prints the requests sent, the URLs due, the new, changed and gone
articles found; the end prints, for every edited article, on which day its second version was archived.
The baseline is the policy that re-asks every archived page (``ARCHIVE_REVISIT_POLICY=all``) on day 1,
measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, benchmark_parser, machine_line


def demo(collection: Path, articles: int, version: int, day: dt.date, *extra: str) -> tuple[float, str]:
    """One scheduled run through the command a user types; returns (seconds, its summary)."""
    command = [
        sys.executable, "-m", "cli", "demo", "--collection", str(collection), "--articles", str(articles),
        "--site-version", str(version), "--as-of", day.isoformat(), *extra,
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 3):  # 3: the report found something missing, which is a figure here
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started, result.stdout


def last_run(collection: Path) -> dict[str, Any]:
    conn = sqlite3.connect(collection / "archive.db")
    try:
        row = conn.execute("select stats from crawl_runs order by started desc limit 1").fetchone()
    finally:
        conn.close()
    return json.loads(row[0])["stats"] if row and row[0] else {}


def summary_figure(summary: str, label: str) -> int:
    for line in summary.splitlines():
        if line.strip().startswith(label):
            return int(line.split()[-1])
    return -1


def versions_caught(collection: Path, urls: list[str]) -> dict[str, int]:
    """How many distinct texts each URL has in the archive (2 = the edit was caught)."""
    conn = sqlite3.connect(collection / "archive.db")
    try:
        return {
            url: conn.execute(
                "select count(distinct text) from articles where url = ? and status = 'ok'", [url]
            ).fetchone()[0]
            for url in urls
        }
    finally:
        conn.close()


def gone_marked(collection: Path, urls: list[str]) -> int:
    conn = sqlite3.connect(collection / "archive.db")
    try:
        return sum(
            conn.execute("select last_outcome from revisit_schedule where url = ?", [url]).fetchone()
            == ("gone",)
            for url in urls
        )
    finally:
        conn.close()


def archived_ok(collection: Path, urls: list[str]) -> int:
    conn = sqlite3.connect(collection / "archive.db")
    try:
        ok = {row[0] for row in conn.execute("select distinct url from articles where status = 'ok'")}
    finally:
        conn.close()
    return sum(url in ok for url in urls)


def jump(articles: int, keep: Path | None) -> int:
    """Day 0 (version 1), the day after (version 2), and 60 days on: the issue's acceptance figures."""
    from sitemodel.manifest import build_manifest

    v2 = build_manifest(articles=articles, version=2)
    start = dt.date.today()
    print(f"# revisit check: {machine_line()}")
    print(
        f"{articles} articles; version 2: {len(v2['edited'])} edited, {len(v2['new'])} new, {len(v2['removed'])} removed"
    )
    with tempfile.TemporaryDirectory(prefix="minzu-bench-revisits-") as tmp:
        collection = keep or Path(tmp) / "collection"
        seconds, _ = demo(collection, articles, 1, start)
        first = last_run(collection).get("downloader/request_count", 0)
        print(f"day 0: {first} requests, {seconds:.0f} s")
        seconds, _ = demo(collection, articles, 2, start + dt.timedelta(days=1))
        next_day = last_run(collection).get("downloader/request_count", 0)
        new_ok = archived_ok(collection, v2["new"])
        print(
            f"day 1: {next_day} requests = {100 * next_day / max(first, 1):.1f}% of day 0 (target <= 10%), "
            f"new articles archived {new_ok}/{len(v2['new'])}, {seconds:.0f} s"
        )
        seconds, _ = demo(collection, articles, 2, start + dt.timedelta(days=61))
        later = last_run(collection).get("downloader/request_count", 0)
        caught = sum(count >= 2 for count in versions_caught(collection, v2["edited"]).values())
        gone = gone_marked(collection, v2["removed"])
        print(
            f"day 61: {later} requests, edited caught {caught}/{len(v2['edited'])}, "
            f"removed marked gone {gone}/{len(v2['removed'])}, {seconds:.0f} s"
        )
    ok = next_day <= 0.10 * first and new_ok == len(v2["new"]) and caught == len(v2["edited"])
    ok = ok and gone == len(v2["removed"])
    print("all targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__, articles=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--jump", action="store_true", help="day 0, day 1 and day 61 only, with the targets")
    parser.add_argument("--keep", type=Path, default=None, help="keep the collection in this folder")
    args = parser.parse_args(argv)
    if args.jump:
        return jump(300 if args.quick else args.articles, args.keep)
    articles, days = (300, 10) if args.quick else (args.articles, args.days)
    from sitemodel.manifest import build_manifest

    edited = build_manifest(articles=articles, version=2)["edited"]
    print(f"# revisit benchmark: {machine_line()}")
    print(
        f"{articles} articles, {days} daily runs after the first; {len(edited)} articles edited in version 2"
    )
    start = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="minzu-bench-revisits-") as tmp:
        collection = args.keep or Path(tmp) / "collection"
        seconds, _ = demo(collection, articles, 1, start)
        first = last_run(collection).get("downloader/request_count", 0)
        print(f"\nday 0 (version 1): {first} requests, {seconds:.0f} s")
        baseline = Path(tmp) / "baseline"
        shutil.copytree(collection, baseline)
        _, _ = demo(baseline, articles, 2, start + dt.timedelta(days=1), "-s", "ARCHIVE_REVISIT_POLICY=all")
        everything = last_run(baseline).get("downloader/request_count", 0)
        shutil.rmtree(baseline)
        print(f"baseline, every archived page again on day 1: {everything} requests")
        print(
            "\n| day | requests | share of day 0 | due re-checks | new articles | changed | gone | seconds |"
        )
        print("|---|---|---|---|---|---|---|---|")
        caught_on: dict[str, int] = {}
        daily: list[int] = []
        for day in range(1, days + 1):
            seconds, summary = demo(collection, articles, 2, start + dt.timedelta(days=day))
            stats = last_run(collection)
            requests = stats.get("downloader/request_count", 0)
            daily.append(requests)
            print(
                f"| {day} | {requests} | {100 * requests / max(first, 1):.1f}% | {stats.get('revisit/due_queued', 0)}"
                f" | {summary_figure(summary, 'new articles')} | {summary_figure(summary, 'changed')}"
                f" | {summary_figure(summary, 'gone')} | {seconds:.0f} |",
                flush=True,
            )
            for url, count in versions_caught(collection, [u for u in edited if u not in caught_on]).items():
                if count >= 2:
                    caught_on[url] = day
    print(f"\nrequests per day: median {statistics.median(daily):.0f}, max {max(daily)} (day 0: {first})")
    print(f"edits caught: {len(caught_on)} of {len(edited)}")
    if caught_on:
        waits = sorted(caught_on.values())
        print(f"days to catch an edit: median {statistics.median(waits):.0f}, max {max(waits)}")
    missed = [url for url in edited if url not in caught_on]
    if missed:
        print(f"not caught within {days} days: {len(missed)} (e.g. {missed[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
