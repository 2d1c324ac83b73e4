"""Rebuilding the archive from WARC files: one extraction worker against two, and whether it streams.

    python -m benchmarks.rebuild [--repetitions N] [--quick] [--crawls K] [--warc-dir DIR]

The input is the WARC files of K independent archival crawls of the site model (slow page off; each
crawl a fresh collection, so its records are new ones and a rebuild ingests and extracts every one:
copies of one file would not do, ingest skips a record it already holds). ``--warc-dir`` rebuilds
existing files instead. Every rebuild runs in a fresh interpreter into a fresh database; the worker
counts take turns in rotated order; ``workers=1`` is the baseline.

Streaming: one crawl's files and all K crawls' files are rebuilt with one worker. A rebuild that
streams has the same peak memory for both; one that held its input would grow K-fold.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import (
    ChildRun,
    machine_line,
    paired_ratios,
    ratio,
    row,
    run_child,
    table_header,
    write_result,
)

# 0 extracts in the main process with no pool: it shows what starting the pool costs.
WORKER_COUNTS = (0, 1, 2)
BASELINE = 1


def rebuild_child(warc_dir: Path, db_path: Path, workers: int) -> dict[str, Any]:
    """One rebuild; the main process's and the workers' peaks are told apart with getrusage."""
    from archive.rebuild import rebuild

    report = rebuild([warc_dir], db_path, workers=workers)
    problems = sum(1 for outcome in report.files if outcome.read_error)
    return {
        "seconds": report.seconds,
        "records": report.records,
        "captures": report.captures,
        "articles": report.articles,
        "damaged_files": problems,
        "main_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # The pool is shut down (workers reaped) before rebuild() returns.
        "workers_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def crawl_warcs(workdir: Path, crawls: int) -> tuple[Path, Path]:
    """(one crawl's WARC folder, a folder with all ``crawls`` crawls' WARC files), made by the crawl
    benchmark's child with the archive stack on."""
    from benchmarks.crawl import crawl_once

    every = workdir / "all-crawls"
    every.mkdir()
    for index in range(crawls):
        crawl_once(workdir, "archive", f"source-{index}", keep=True)
        for path in sorted((workdir / f"source-{index}" / "archive").glob("*.warc*")):
            shutil.copyfile(path, every / path.name)
        print(f"  crawl {index + 1}/{crawls} done", flush=True)
    return workdir / "source-0" / "archive", every


def rebuild_once(workdir: Path, warc_dir: Path, workers: int, label: str) -> ChildRun:
    db_path = workdir / f"{label}.db"
    args = ["--child", str(workers), "--warc-dir", str(warc_dir), "--db", str(db_path)]
    run = run_child("benchmarks.rebuild", args, workdir, label)
    run.result["db_bytes"] = db_path.stat().st_size
    for leftover in workdir.glob(f"{label}.db*"):
        leftover.unlink()
    return run


def _records_per_second(run: ChildRun) -> float:
    return run.result["records"] / run.result["seconds"]


def measure_workers(workdir: Path, warc_dir: Path, repetitions: int) -> dict[int, list[ChildRun]]:
    """Every worker count once per repetition, which one goes first rotating."""
    runs: dict[int, list[ChildRun]] = {n: [] for n in WORKER_COUNTS}
    counts = list(WORKER_COUNTS)
    for rep in range(repetitions):
        shift = rep % len(counts)
        for workers in counts[shift:] + counts[:shift]:
            run = rebuild_once(workdir, warc_dir, workers, f"w{workers}-{rep}")
            runs[workers].append(run)
            print(
                f"  rep {rep + 1}/{repetitions} workers={workers} {run.result['seconds']:6.2f} s  "
                f"{_records_per_second(run):6.1f} records/s",
                flush=True,
            )
    return runs


def _warc_mb(warc_dir: Path) -> float:
    return sum(p.stat().st_size for p in warc_dir.glob("*.warc*")) / 1e6


def _median(runs: list[ChildRun], key: str) -> float:
    return statistics.median(r.result[key] for r in runs)


def report(warc_dir: Path, runs: dict[int, list[ChildRun]]) -> None:
    """Per worker count: time, throughput, CPU and peaks; then each count's speed-up over one worker."""
    first = runs[BASELINE][0].result
    print(
        table_header(
            f"Rebuild of {_warc_mb(warc_dir):.1f} MB of WARC ({first['records']} records, "
            f"{first['captures']} captures, {first['articles']} articles), each a fresh process"
        )
    )
    for workers, measured in runs.items():
        name = f"workers={workers}" + (" (in-process)" if workers == 0 else "")
        print(row(f"{name}: rebuild time", [r.result["seconds"] for r in measured], "s", 2))
        print(row(f"{name}: records/s", [_records_per_second(r) for r in measured], "/s", 1))
        print(row(f"{name}: process wall time", [r.seconds for r in measured], "s", 2))
        print(row(f"{name}: CPU, all processes", [r.cpu_seconds for r in measured], "s", 2))
        print(row(f"{name}: peak RSS, main process", [r.result["main_rss_mib"] for r in measured], "MiB", 1))
        if workers:
            worker_rss = [r.result["workers_rss_mib"] for r in measured]
            print(row(f"{name}: peak RSS, largest worker", worker_rss, "MiB", 1))
    base = [_records_per_second(r) for r in runs[BASELINE]]
    for workers, measured in runs.items():
        if workers != BASELINE:
            faster = [_records_per_second(r) for r in measured]
            label = f"speed-up workers={workers} / workers={BASELINE}"
            print(row(label, paired_ratios(faster, base), f"x (median ratio {ratio(faster, base):.2f})", 2))


def report_streaming(small_dir: Path, small: list[ChildRun], large_dir: Path, large: list[ChildRun]) -> None:
    """Peak memory of a one-worker rebuild of one crawl against all of them."""
    print("\nStreaming: workers=1, one crawl's WARC files against all of them (medians)")
    print("| input | records | WARC MB | rebuild s | peak RSS main MiB | peak RSS worker MiB |")
    print("|---|---|---|---|---|---|")
    for label, folder, measured in (("one crawl", small_dir, small), ("all crawls", large_dir, large)):
        print(
            f"| {label} | {measured[0].result['records']} | {_warc_mb(folder):.1f} | "
            f"{_median(measured, 'seconds'):.2f} | {_median(measured, 'main_rss_mib'):.1f} | "
            f"{_median(measured, 'workers_rss_mib'):.1f} |"
        )
    grew = large[0].result["records"] / small[0].result["records"]
    rss = _median(large, "main_rss_mib") / _median(small, "main_rss_mib")
    print(
        f"\nmain-process peak RSS grew {rss:.2f}-fold while the input grew {grew:.1f}-fold "
        "(about 1.0: the rebuild streams)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repetitions", type=int, default=None, help="rebuilds per worker count (default 5; 2 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and crawls")
    parser.add_argument(
        "--crawls",
        type=int,
        default=None,
        help="crawls of the site model to rebuild (default 8; 2 with --quick)",
    )
    parser.add_argument(
        "--warc-dir", type=Path, default=None, help="rebuild these WARC files instead (no streaming test)"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        write_result(args.result, rebuild_child(args.warc_dir, args.db, args.child))
        return 0
    repetitions = args.repetitions or (2 if args.quick else 5)
    crawls = args.crawls or (2 if args.quick else 8)
    print(f"# rebuild benchmark: {machine_line()}")
    with tempfile.TemporaryDirectory(prefix="minzu-bench-rebuild-") as tmp:
        workdir = Path(tmp)
        if args.warc_dir is not None:
            report(args.warc_dir, measure_workers(workdir, args.warc_dir, repetitions))
            return 0
        print(f"{crawls} archival crawls of the site model (slow page off) to rebuild", flush=True)
        one_crawl, every_crawl = crawl_warcs(workdir, crawls)
        print(f"{repetitions} repetitions of workers={WORKER_COUNTS} over all {crawls} crawls", flush=True)
        runs = measure_workers(workdir, every_crawl, repetitions)
        print("streaming check: one crawl, workers=1", flush=True)
        small = [rebuild_once(workdir, one_crawl, 1, f"one-crawl-{rep}") for rep in range(repetitions)]
        report(every_crawl, runs)
        report_streaming(one_crawl, small, every_crawl, runs[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
