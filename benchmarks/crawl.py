"""What the archive stack costs a crawl: our archival crawl of the site model against bare Scrapy.

    python -m benchmarks crawl [--articles N] [--repetitions N] [--variants bare,archive] [--quick]

``--articles 10000`` crawls a model of the real site's size (about 30,000 URLs) over https, as the demo does.
Besides speed, CPU and peak RSS, each crawl is checked against the model's manifest: the share of its
articles and images that were fetched (and, for the archive, archived with an ok extraction).

Every crawl runs in a fresh interpreter into a fresh temporary collection, so no run inherits another's
imports, caches or archive (a second crawl into the same collection would be incremental). The variants
take turns within each repetition, in rotated order, so a slow spell of the machine hits all of them:

- ``bare``: the same spider and settings with the archive stack off (``WARC_ENABLED=False``,
  ``ARCHIVE_INCREMENTAL_ENABLED=False``): plain Scrapy, the baseline;
- ``warc-only``: WARC records written, no live ingest into SQLite (``ARCHIVE_INGEST_ENABLED=False``);
- ``archive``: what ``minzu-archive crawl`` does: WARC records, live ingest and extraction.

The site model runs in this process with ``slow_seconds=0``: its deliberate 1.5 s slow page would add the
same fixed wait to every variant and hide the difference being measured. Its refused image is served, so a
complete crawl fetches every image of the manifest.
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
    ChildRun,
    benchmark_parser,
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
    """One crawl of the site model from the real-site start URLs, as ``minzu-archive demo`` runs it."""
    from crawler.runner import run_crawl

    overrides = {
        **LOOPBACK_SETTINGS,
        "LOG_LEVEL": "WARNING",
        "ADDRESS_GUARD_ALLOWED": [proxy_host],
        **VARIANTS[variant],
    }
    stats = run_crawl(collection, overrides=overrides, proxy_url=proxy_url)
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


def fetched_share(model: Any, manifest: dict[str, Any]) -> dict[str, float]:
    """Shares of the manifest's articles and images that the model answered with 200 to this crawl."""
    ok = {r.url for r in model.requests if r.status == 200}
    articles = [a["url"] for a in manifest["articles"]]
    images = {src for a in manifest["articles"] for src in a["images"]}
    return {
        "articles_fetched": sum(url in ok for url in articles) / max(len(articles), 1),
        "images_fetched": sum(url in ok for url in images) / max(len(images), 1),
    }


def archived_share(collection: Path, manifest: dict[str, Any]) -> float:
    """Share of the manifest's articles stored with an ok extraction (the archive variants only)."""
    import sqlite3

    db = collection / "archive.db"
    if not db.exists():
        return 0.0
    conn = sqlite3.connect(db)
    try:
        ok = {row[0] for row in conn.execute("select distinct url from articles where status = 'ok'")}
    finally:
        conn.close()
    articles = [a["url"] for a in manifest["articles"]]
    return sum(url in ok for url in articles) / max(len(articles), 1)


def crawl_once(workdir: Path, variant: str, label: str, articles: int, *, keep: bool = False) -> ChildRun:
    """One measured crawl in a child process, against a site model of its own (slow page off).

    A fresh model per crawl: its flaky page fails only the first request it ever sees, so a shared model
    would give the first crawl one more response than the rest. The model's own work happens in this
    process and is not in the child's CPU or memory figures. The collection is deleted unless ``keep``.
    """
    from sitemodel.manifest import build_manifest
    from sitemodel.server import start_site_model

    collection = workdir / label
    manifest = build_manifest(articles=articles, version=1, refused_image=False)
    with start_site_model(slow_seconds=0, articles=articles, refused_image=False) as model:
        args = ["--child", variant, "--collection", str(collection), "--proxy", model.proxy_url]
        run = run_child("benchmarks.crawl", [*args, "--host", model.host], workdir, label)
        run.result.update(fetched_share(model, manifest))
    run.result["articles_archived"] = archived_share(collection, manifest)
    run.result["warc_bytes"], run.result["db_bytes"] = _disk_bytes(collection)
    if not keep:
        shutil.rmtree(collection, ignore_errors=True)
    return run


def measure(repetitions: int, warm_up: bool, articles: int, names: list[str]) -> dict[str, list[ChildRun]]:
    """Alternate the variants ``repetitions`` times, rotating which one goes first."""
    runs: dict[str, list[ChildRun]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="minzu-bench-crawl-") as tmp:
        workdir = Path(tmp)
        if warm_up:  # the first interpreter start pays for a cold page cache: measure none of that
            crawl_once(workdir, BASELINE, "warm-up", min(articles, 40))
        for rep in range(repetitions):
            order = names[rep % len(names) :] + names[: rep % len(names)]
            for name in order:
                run = crawl_once(workdir, name, f"{name}-{rep}", articles)
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
        print(
            row(
                f"{name}: manifest articles fetched",
                [100 * r.result["articles_fetched"] for r in measured],
                "%",
                1,
            )
        )
        print(
            row(
                f"{name}: manifest images fetched",
                [100 * r.result["images_fetched"] for r in measured],
                "%",
                1,
            )
        )
        if name != BASELINE:
            archived = [100 * r.result["articles_archived"] for r in measured]
            print(row(f"{name}: manifest articles archived ok", archived, "%", 1))
    base = runs[BASELINE]
    print(table_header(f"Overhead against {BASELINE} (paired per repetition; ratio of medians after)"))
    for name, measured in runs.items():
        if name == BASELINE:
            continue
        for label, pick in (
            ("responses/s", lambda r: r.result["responses"] / r.result["crawl_seconds"]),
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
    parser = benchmark_parser(__doc__, articles=40)
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="comma-separated, of " + ", ".join(VARIANTS)
    )
    parser.add_argument("--child", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--collection", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--proxy", help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        write_result(args.result, crawl_child(args.collection, args.proxy, args.host, args.child))
        return 0
    names = [name for name in args.variants.split(",") if name]
    if BASELINE not in names or set(names) - set(VARIANTS):
        parser.error(f"--variants must include {BASELINE} and name only {', '.join(VARIANTS)}")
    repetitions = args.repetitions or (1 if args.quick or args.articles > 1000 else 5)
    print(f"# crawl benchmark: {machine_line()}")
    print(
        f"{repetitions} repetitions of {', '.join(names)}; site model of {args.articles} articles over https,"
    )
    print(f"slow_seconds=0; settings: {json.dumps(LOOPBACK_SETTINGS)}", flush=True)
    report(measure(repetitions, warm_up=not args.quick, articles=args.articles, names=names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
