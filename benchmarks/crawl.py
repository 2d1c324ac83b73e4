"""What the archive stack costs a crawl: our archival crawl of the site model against bare Scrapy.

    python -m benchmarks.crawl [--repetitions N] [--quick]

Every crawl runs in a fresh interpreter into a fresh temporary collection, so no run inherits another's
imports, caches or archive (a second crawl into the same collection would be incremental). The variants
take turns within each repetition, in rotated order, so a slow spell of the machine hits all of them:

- ``bare``: the same spider and settings with the archive stack off (``WARC_ENABLED=False``,
  ``ARCHIVE_INCREMENTAL_ENABLED=False``): plain Scrapy, the baseline;
- ``warc-only``: WARC records written, no live ingest into SQLite (``ARCHIVE_INGEST_ENABLED=False``);
- ``archive``: what ``minzu-archive crawl`` does: WARC records, live ingest and extraction.

The site model runs in this process with ``slow_seconds=0``: its deliberate 1.5 s slow page would add the
same fixed wait to every variant and hide the difference being measured.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import (
    LOOPBACK_SETTINGS,
    ORIGIN,
    SEED_URL,
    ChildRun,
    machine_line,
    paired_ratios,
    ratio,
    row,
    run_child,
    spread,
    table_header,
    write_result,
)

VARIANTS: dict[str, dict[str, Any]] = {
    "bare": {"WARC_ENABLED": False, "ARCHIVE_INCREMENTAL_ENABLED": False},
    "warc-only": {"ARCHIVE_INGEST_ENABLED": False},
    "archive": {},
}
BASELINE = "bare"


def crawl_child(collection: Path, proxy_url: str, proxy_host: str, variant: str) -> dict[str, Any]:
    """One crawl of the site model, as ``minzu-archive demo`` runs it but with the loopback settings."""
    from crawler.runner import run_crawl

    overrides = {**LOOPBACK_SETTINGS, "ADDRESS_GUARD_ALLOWED": [proxy_host], **VARIANTS[variant]}
    stats = run_crawl(
        collection, start_urls=[ORIGIN + "/", SEED_URL], overrides=overrides, proxy_url=proxy_url
    )
    return {
        "crawl_seconds": stats.get("elapsed_time_seconds", 0.0),
        "responses": stats.get("downloader/response_count", 0),
        "pages": sum(v for k, v in stats.items() if k.startswith("site/pages/")),
        "finish_reason": stats.get("finish_reason"),
    }


def _disk_bytes(collection: Path) -> tuple[int, int]:
    """(WARC bytes, SQLite bytes) the crawl left in its collection."""
    warc = (
        sum(p.stat().st_size for p in (collection / "archive").glob("*.warc*")) if collection.exists() else 0
    )
    db = collection / "archive.db"
    return warc, db.stat().st_size if db.exists() else 0


def crawl_once(workdir: Path, variant: str, label: str, *, keep: bool = False) -> ChildRun:
    """One measured crawl in a child process, against a site model of its own (slow page off).

    A fresh model per crawl: its flaky page fails only the first request it ever sees, so a shared model
    would give the first crawl one more response than the rest. The model's own work happens in this
    process and is not in the child's CPU or memory figures. The collection is deleted unless ``keep``.
    """
    from sitemodel.server import start_site_model

    collection = workdir / label
    with start_site_model(slow_seconds=0) as model:
        args = ["--child", variant, "--collection", str(collection), "--proxy", model.proxy_url]
        run = run_child("benchmarks.crawl", [*args, "--host", model.host], workdir, label)
    run.result["warc_bytes"], run.result["db_bytes"] = _disk_bytes(collection)
    if not keep:
        shutil.rmtree(collection, ignore_errors=True)
    return run


def measure(repetitions: int, warm_up: bool) -> dict[str, list[ChildRun]]:
    """Alternate the variants ``repetitions`` times, rotating which one goes first."""
    runs: dict[str, list[ChildRun]] = {name: [] for name in VARIANTS}
    names = list(VARIANTS)
    with tempfile.TemporaryDirectory(prefix="minzu-bench-crawl-") as tmp:
        workdir = Path(tmp)
        if warm_up:  # the first interpreter start pays for a cold page cache: measure none of that
            crawl_once(workdir, BASELINE, "warm-up")
        for rep in range(repetitions):
            order = names[rep % len(names) :] + names[: rep % len(names)]
            for name in order:
                run = crawl_once(workdir, name, f"{name}-{rep}")
                runs[name].append(run)
                print(
                    f"  rep {rep + 1}/{repetitions} {name:<9} {run.seconds:6.2f} s  "
                    f"{run.result['responses']} responses  {run.max_rss_mib:6.1f} MiB",
                    flush=True,
                )
    return runs


def report(runs: dict[str, list[ChildRun]]) -> None:
    """Print the tables: per-variant figures, then each variant's overhead over bare Scrapy."""
    print(table_header("Crawl of the site model (each crawl a fresh process; slow page off)"))
    for name, measured in runs.items():
        responses = [r.result["responses"] for r in measured]
        crawl_seconds = [r.result["crawl_seconds"] for r in measured]
        print(row(f"{name}: process wall time", [r.seconds for r in measured], "s", 2))
        print(row(f"{name}: crawl time (Scrapy elapsed)", crawl_seconds, "s", 2))
        print(
            row(
                f"{name}: responses/s",
                [n / s for n, s in zip(responses, crawl_seconds, strict=True)],
                "/s",
                1,
            )
        )
        print(row(f"{name}: CPU (user+sys)", [r.cpu_seconds for r in measured], "s", 2))
        print(row(f"{name}: peak RSS", [r.max_rss_mib for r in measured], "MiB", 1))
        print(row(f"{name}: WARC bytes", [r.result["warc_bytes"] / 1e6 for r in measured], "MB", 2))
        print(row(f"{name}: archive.db bytes", [r.result["db_bytes"] / 1e6 for r in measured], "MB", 2))
        print(row(f"{name}: responses", responses, "", 0))
        print(row(f"{name}: pages (HTML)", [r.result["pages"] for r in measured], "", 0))
    base = runs[BASELINE]
    print(table_header(f"Overhead against {BASELINE} (paired per repetition; ratio of medians after)"))
    for name, measured in runs.items():
        if name == BASELINE:
            continue
        for label, pick in (
            ("crawl time", lambda r: r.result["crawl_seconds"]),
            ("process wall time", lambda r: r.seconds),
            ("CPU", lambda r: r.cpu_seconds),
            ("peak RSS", lambda r: r.max_rss_mib),
        ):
            ours, theirs = [pick(r) for r in measured], [pick(r) for r in base]
            paired = paired_ratios(ours, theirs)
            print(
                row(f"{name} / {BASELINE}: {label}", paired, f"x (median ratio {ratio(ours, theirs):.2f})", 2)
            )
    counts = {name: spread([r.result["responses"] for r in measured]) for name, measured in runs.items()}
    if len({c for c in counts.values()}) > 1:
        print(f"\nnote: the variants fetched different numbers of responses: {counts}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repetitions", type=int, default=None, help="crawls per variant (default 5; 2 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no warm-up crawl")
    parser.add_argument("--child", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--collection", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--proxy", help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        write_result(args.result, crawl_child(args.collection, args.proxy, args.host, args.child))
        return 0
    repetitions = args.repetitions or (2 if args.quick else 5)
    print(f"# crawl benchmark: {machine_line()}")
    print(f"{repetitions} repetitions of {', '.join(VARIANTS)}; site model slow_seconds=0; loopback settings")
    print(f"settings: {json.dumps(LOOPBACK_SETTINGS)}", flush=True)
    report(measure(repetitions, warm_up=not args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
