"""What our extractor costs per page against plain trafilatura, on the same pages in the same process.

    python -m benchmarks.extraction [--repetitions N] [--quick] [--eval-dir DIR]

Two page sets: the labelled Chinese pages of the eval folder (``chinese/cases.jsonl``) and the site
model's article pages (rendered in memory, the bytes the model serves). Three systems:

- ``ours``: ``archive.extract.extract_page``, what ingest runs on every HTML capture;
- ``trafilatura.extract``: plain ``trafilatura.extract`` with its deduplication cache off (as ours has
  it: with it on, a page's cost and text would depend on the pages before it). The baseline;
- ``trafilatura+meta``: ``bare_extraction`` with metadata and htmldate, as ``make eval`` runs it: what
  trafilatura costs when it is also asked for title, date and author, which ours returns too.

Each repetition passes over every page once, the systems taking turns page by page in rotated order, so
machine noise lands on all of them alike. A warm-up pass (untimed) pays for imports and compiled patterns.
The bar for ours is 1.5 times trafilatura+meta per page (the ratio is printed for each set).

A third part times ours alone on hostile pages built in memory (many paragraphs, long tables, deep
nesting, a page over the size budget), at growing sizes, with the status each comes back with: the
seconds per thousand units should stay flat as the size grows (linear work), and the size budget
bounds the rest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from archive.extract import extract_page
from archive.extract.evaluate import default_eval_dir, plain_trafilatura, read_page
from benchmarks.common import machine_line, paired_ratios, ratio, row, table_header


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    content_type: str | None = None


System = Callable[[Page], object]
SYSTEMS: dict[str, System] = {
    "ours": lambda page: extract_page(page.body, page.url, content_type=page.content_type),
    "trafilatura.extract": lambda page: trafilatura.extract(
        page.body, url=page.url or None, deduplicate=False
    ),
    "trafilatura+meta": lambda page: plain_trafilatura(page.body, page.url),
}
BASELINE = "trafilatura.extract"
BAR = "trafilatura+meta"


def eval_pages(eval_dir: Path) -> list[Page]:
    """The labelled Chinese pages; their ``html`` paths are relative to the eval root."""
    cases_file = eval_dir / "chinese" / "cases.jsonl"
    pages = []
    for line in cases_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            pages.append(Page(case.get("url") or "", read_page(eval_dir, case["html"])))
    return pages


def site_model_pages() -> list[Page]:
    """Every article page of the site model (version 1), with the charset it is served in."""
    from sitemodel import pages
    from sitemodel.content import build_site

    site = build_site(1)
    return [
        Page(
            article.url,
            pages.render_article(site, article).encode(article.encoding, errors="xmlcharrefreplace"),
            f"text/html; charset={pages.meta_charset(article.encoding)}",
        )
        for article in site.articles
    ]


@dataclass
class Timings:
    """Seconds per page for each system: one mean per repetition, and every page's time per repetition."""

    per_pass: dict[str, list[float]]
    per_page: dict[str, list[list[float]]]


def measure(pages: list[Page], repetitions: int) -> Timings:
    names = list(SYSTEMS)
    for page in pages:  # warm-up, untimed
        for name in names:
            SYSTEMS[name](page)
    timings = Timings({n: [] for n in names}, {n: [[] for _ in pages] for n in names})
    for rep in range(repetitions):
        totals = dict.fromkeys(names, 0.0)
        for index, page in enumerate(pages):
            shift = (rep + index) % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.perf_counter()
                SYSTEMS[name](page)
                seconds = time.perf_counter() - started
                totals[name] += seconds
                timings.per_page[name][index].append(seconds)
        for name in names:
            timings.per_pass[name].append(totals[name] / len(pages))
    return timings


def report(set_name: str, pages: list[Page], timings: Timings) -> None:
    size = statistics.median(len(p.body) for p in pages) / 1000
    print(table_header(f"{set_name}: {len(pages)} pages, median {size:.0f} kB of HTML"))
    for name, values in timings.per_pass.items():
        print(row(f"{name}: mean per page, per pass", [v * 1000 for v in values], "ms", 2))
    for name, per_page in timings.per_page.items():
        medians = [statistics.median(times) * 1000 for times in per_page]
        print(row(f"{name}: per page (median of reps), over pages", medians, "ms", 2))
    base = timings.per_pass[BASELINE]
    for name, values in timings.per_pass.items():
        if name != BASELINE:
            paired = paired_ratios(values, base)
            print(row(f"{name} / {BASELINE}", paired, f"x (median ratio {ratio(values, base):.2f})", 2))
    ours, bar = timings.per_pass["ours"], timings.per_pass[BAR]
    print(
        row(f"ours / {BAR}", paired_ratios(ours, bar), f"x (median ratio {ratio(ours, bar):.2f}; bar 1.5)", 2)
    )


_PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。"


def _hostile(kind: str, size: int) -> bytes:
    head = "<html><head><meta charset='utf-8'><title>测试_某某网</title></head><body>"
    if kind == "paragraphs":
        inner = "<div class='c'>" + "".join(f"<p>{_PROSE}{n}</p>" for n in range(size)) + "</div>"
    elif kind == "table rows":
        rows = "".join(f"<tr><td>{n}</td><td>名称{n}</td><td>{n * 3}</td></tr>" for n in range(size))
        inner = f"<h1>统计表</h1><p>{_PROSE * 2}</p><table>{rows}</table>"
    else:  # nesting levels
        inner = "<div>" * size + f"<p>{_PROSE * 3}</p><p>{_PROSE * 2}</p>" + "</div>" * size
    return (head + inner + "</body></html>").encode()


HOSTILE_SIZES = {
    "paragraphs": (10_000, 40_000, 80_000, 160_000),
    "table rows": (2_500, 10_000, 40_000),
    "nesting levels": (300, 1_500, 5_000, 20_000),
}


def hostile(quick: bool) -> None:
    """Ours on each hostile shape at growing sizes: seconds, seconds per 1,000 units, status."""
    print(
        table_header("hostile pages (ours only, one run each)").replace(
            "| figure | min | median | max | unit |", "| page | MB | seconds | s per 1,000 | status |"
        )
    )
    for kind, sizes in HOSTILE_SIZES.items():
        for size in sizes[:2] if quick else sizes:
            body = _hostile(kind, size)
            started = time.perf_counter()
            result = extract_page(body, "http://example.cn/a/1.html")
            seconds = time.perf_counter() - started
            extra = ",".join(f"{k}={v}" for k, v in sorted(result.diagnostics.items()))
            status = result.status + (f" ({extra})" if extra else "")
            print(
                f"| {size:,} {kind} | {len(body) / 1e6:.1f} | {seconds:.2f} | {seconds * 1000 / size:.3f} | {status} |",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repetitions", type=int, default=None, help="passes over the pages (default 5; 2 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--eval-dir", type=Path, default=default_eval_dir(), help="the eval root (holds chinese/)"
    )
    args = parser.parse_args(argv)
    repetitions = args.repetitions or (2 if args.quick else 5)
    print(f"# extraction benchmark: {machine_line()}")
    print(f"{repetitions} timed passes after one warm-up pass; systems: {', '.join(SYSTEMS)}", flush=True)
    sets = {"site model articles": site_model_pages()}
    if (args.eval_dir / "chinese" / "cases.jsonl").exists():
        sets["eval chinese"] = eval_pages(args.eval_dir)
    else:
        print(f"(no {args.eval_dir / 'chinese' / 'cases.jsonl'}: the eval set is skipped)")
    for set_name, pages in sets.items():
        report(set_name, pages, measure(pages, repetitions))
    hostile(args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
