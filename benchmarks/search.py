"""Search at archive scale: an archive of N articles built from WARC files, and how fast it answers.

    python -m benchmarks search --articles 100000 [--repetitions 5] [--seed 56] [--cache-dir DIR]

The archive is built once per set of generator parameters and cached outside the repository
(``~/.cache/minzu-archive-bench/search-<articles>-s<seed>-g<version>/``): the pages of
:mod:`benchmarks.search_corpus` are written as WARC files and built into ``archive.db`` by
``archive.rebuild.rebuild``, the path every archive takes. ``--rebuild`` builds it again.

Printed, in this order:

* the archive: pages, the time the cached build took, the database and index sizes (``dbstat``);
* rebuild speed in this run: a sample of the same generator's pages rebuilt into a fresh database,
  in pages per second, against ``trafilatura.extract`` alone on the same pages in one process;
* search: the query log (drawn from the archive's own text with a seeded RNG, by class: single
  characters, common and rare words, phrases of 3-8 characters, names, several terms, filtered),
  each query once untimed and then ``--repetitions`` times, in process: p50 / p95 / max wall time
  per class and over all, with CPU time beside it, the slowest queries, and as the baseline FTS5's
  own bm25 ranking of the same matches (top 20 rowids, no snippets, no filters);
* what must still hold: recall equal to a substring scan (counted for a sample of the log), the seed
  article first for its own phrases;
* Datasette: the canned search query and the articles table with ``?_search=``, in process;
* the command's start: ``minzu-archive search`` as a subprocess, against the same search in process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.sites import DEFAULT_SITE
from benchmarks.common import REPO, machine_line
from benchmarks.search_corpus import CorpusParams, write_warcs

DEFAULT_CACHE = Path.home() / ".cache" / "minzu-archive-bench"
SEED_URL = f"http://{DEFAULT_SITE.host}/show-case-1616.html"
SEED_PHRASES = ("海西", "民族团结进步示范州", "海西州")
SAMPLE_ARTICLES = 2000  # pages rebuilt in this run for pages/s
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass
class Query:
    text: str
    kind: str
    filters: dict[str, str] = field(default_factory=dict)
    matches: int = 0
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    bm25_ms: list[float] = field(default_factory=list)


# -- the archive --------------------------------------------------------------------------------------


def build_archive(params: CorpusParams, folder: Path, eval_dir: Path) -> dict[str, Any]:
    """WARC files and ``archive.db`` in ``folder``, built unless a finished build is there already."""
    done = folder / "build.json"
    if done.exists():
        return json.loads(done.read_text(encoding="utf-8"))
    from archive.rebuild import rebuild

    warc_dir = folder / "warc"
    if warc_dir.exists():
        shutil.rmtree(warc_dir)
    print(f"writing {params.articles} articles as WARC files into {warc_dir} ...", flush=True)
    started = time.perf_counter()
    pages = write_warcs(params, eval_dir, warc_dir)
    warc_seconds = time.perf_counter() - started
    building = folder / "archive.db.building"
    for leftover in folder.glob("archive.db*"):
        leftover.unlink()
    print(f"rebuilding {pages} pages into {folder / 'archive.db'} (archive.rebuild.rebuild) ...", flush=True)
    report = rebuild([warc_dir], building, workers=None, progress=_progress())
    building.rename(folder / "archive.db")
    figures = {
        "params": params.key,
        "pages": pages,
        "warc_seconds": round(warc_seconds, 1),
        "warc_bytes": sum(p.stat().st_size for p in warc_dir.glob("*.warc*")),
        "rebuild_seconds": round(report.seconds, 1),
        "rebuild_workers": report.workers,
        "records": report.records,
        "captures": report.captures,
        "articles": report.articles,
        "built": machine_line(),
    }
    done.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return figures


def _progress() -> Callable[[int], None]:
    state = {"bytes": 0, "shown": 0.0}

    def show(read: int) -> None:
        state["bytes"] += read
        if time.monotonic() - state["shown"] > 30:
            state["shown"] = time.monotonic()
            print(f"  {state['bytes'] / 1e6:.0f} MB of WARC read", flush=True)

    return show


def sizes(db_path: Path) -> dict[str, int]:
    """Bytes per table and index (SQLite's dbstat), the search index's parts apart."""
    import sqlite3

    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    finally:
        conn.close()


def report_archive(db_path: Path, build: dict[str, Any]) -> None:
    per_table = sizes(db_path)
    index_parts = {name: size for name, size in per_table.items() if _is_search_index(name)}
    total = db_path.stat().st_size
    print(
        f"\n## Archive\n\n{build['pages']} pages written as {build['warc_bytes'] / 1e6:.0f} MB of WARC; "
        f"{build['captures']} captures, {build['articles']} article rows."
    )
    print(
        f"Built (cached) by archive.rebuild.rebuild with {build['rebuild_workers']} workers in "
        f"{build['rebuild_seconds']:.0f} s = {build['pages'] / build['rebuild_seconds']:.0f} pages/s "
        f"({build['built']})."
    )
    print("\n| part | MB |\n|---|---|")
    print(f"| whole database | {total / 1e6:.0f} |")
    print(f"| articles table (text and metadata) | {per_table.get('articles', 0) / 1e6:.0f} |")
    print(f"| search index, all parts | {sum(index_parts.values()) / 1e6:.0f} |")
    for name, size in sorted(index_parts.items(), key=lambda item: -item[1]):
        print(f"| {name} | {size / 1e6:.1f} |")


def _is_search_index(name: str) -> bool:
    return name.startswith(("articles_fts", "search_", "idx_search_"))


# -- rebuild speed in this run ------------------------------------------------------------------------


def measure_rebuild(params: CorpusParams, eval_dir: Path, workdir: Path) -> None:
    """A sample of the generator's pages rebuilt into a fresh database, and trafilatura on the same pages."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    from archive.rebuild import rebuild

    sample = CorpusParams(min(SAMPLE_ARTICLES, params.articles), seed=params.seed)
    warc_dir = workdir / "sample-warc"
    pages = write_warcs(sample, eval_dir, warc_dir)
    report = rebuild([warc_dir], workdir / "sample.db", workers=None)
    bodies = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    bodies.append(
                        (record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read())
                    )
    started = time.perf_counter()
    for url, body in bodies:
        trafilatura.extract(body, url=url, deduplicate=False)
    trafilatura_seconds = time.perf_counter() - started
    print(f"\n## Rebuild speed, this run ({pages} pages of the same generator, fresh database)\n")
    print("| system | s | pages/s |\n|---|---|---|")
    print(
        f"| archive.rebuild.rebuild, {report.workers} workers (read, extract, store, index, site pass) | "
        f"{report.seconds:.1f} | {pages / report.seconds:.0f} |"
    )
    print(
        f"| trafilatura.extract alone, one process | {trafilatura_seconds:.1f} | "
        f"{len(bodies) / trafilatura_seconds:.0f} |"
    )


# -- the query log ------------------------------------------------------------------------------------


def query_log(db, rng: random.Random, per_class: int) -> list[Query]:
    """Queries drawn from the archive's own text: the most and least common characters and words
    (document frequency in a sample of articles), phrases cut from texts, names, several terms."""
    rows = db.execute("SELECT rowid FROM search_docs").fetchall()
    sample_ids = rng.sample([row[0] for row in rows], min(1500, len(rows)))
    texts = [
        row[0]
        for row in db.execute(
            f"SELECT text FROM articles WHERE rowid IN ({','.join(map(str, sample_ids))})"
        ).fetchall()
    ]
    char_df: Counter[str] = Counter()
    pair_df: Counter[str] = Counter()
    for text in texts:
        runs = _HAN.findall(text)
        char_df.update({char for run in runs for char in run})
        pair_df.update({run[i : i + 2] for run in runs for i in range(len(run) - 1)})
    chars = [char for char, _ in char_df.most_common()]
    pairs = [pair for pair, _ in pair_df.most_common()]
    common_pairs = pairs[: max(50, len(pairs) // 200)]
    rare_pairs = [pair for pair in pairs if pair_df[pair] == 1]
    queries: list[Query] = []

    def add(kind: str, candidates: Sequence[str]) -> None:
        picked = rng.sample(list(candidates), min(per_class, len(candidates)))
        queries.extend(Query(text, kind) for text in picked)

    add("1 char, common", chars[:40])
    add("1 char, rare", [char for char in chars if char_df[char] <= 2])
    add("2 chars, common", common_pairs)
    add("2 chars, rare", rare_pairs)
    phrases = [run for text in texts for run in _HAN.findall(text) if len(run) >= 8]
    for low, high, kind in ((3, 4, "3-4 chars"), (5, 8, "5-8 chars")):
        cut = []
        for _ in range(per_class * 3):
            run = rng.choice(phrases)
            size = rng.randint(low, high)
            start = rng.randrange(len(run) - size + 1)
            cut.append(run[start : start + size])
        add(kind, sorted(set(cut)))
    names = sorted({m.group(1) for text in texts for m in re.finditer(r"([\u4e00-\u9fff]{2,3})介绍说", text)})
    add("names", names)
    combinations = (  # two common words; a common and a rare one; three common; a character and a word
        lambda: rng.sample(common_pairs, 2),
        lambda: [rng.choice(common_pairs), rng.choice(rare_pairs)],
        lambda: rng.sample(common_pairs, 3),
        lambda: [rng.choice(chars[:20]), rng.choice(common_pairs)],
    )
    add("several terms", [" ".join(combinations[n % len(combinations)]()) for n in range(per_class)])
    sections = [
        row[0] for row in db.execute("SELECT DISTINCT section FROM search_docs WHERE section IS NOT NULL")
    ]
    for n in range(per_class):  # a common word in one section, or in one year of one section
        filters = {"section": rng.choice(sorted(sections))}
        if n % 2:
            filters["since"] = filters["until"] = str(rng.randint(2009, 2024))
        queries.append(Query(rng.choice(common_pairs), "filtered", filters))
    queries.extend(Query(text, "seed phrases") for text in SEED_PHRASES)
    return queries


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# The baseline: FTS5 ranking the same matches itself (bm25, title weighted 4x), top 20 rowids only, no
# filters, no snippets: what "ORDER BY rank LIMIT k inside SQLite" costs on this index.
BM25_TOP = (
    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH cjk_query(?) "
    "ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT 20"
)


def measure_search(db, queries: list[Query], repetitions: int) -> None:
    from archive.db.search import count_matches, search

    for query in queries:  # untimed: imports, compiled patterns, the pages in the OS cache
        search(db, query.text, **query.filters)
        query.matches = count_matches(db, query.text, **query.filters)
    for _ in range(repetitions):
        for query in queries:
            wall, cpu = time.perf_counter(), time.process_time()
            search(db, query.text, **query.filters)
            query.wall_ms.append((time.perf_counter() - wall) * 1000)
            query.cpu_ms.append((time.process_time() - cpu) * 1000)
            wall = time.perf_counter()
            db.execute(BM25_TOP, [query.text]).fetchall()
            query.bm25_ms.append((time.perf_counter() - wall) * 1000)


def report_search(queries: list[Query], repetitions: int) -> None:
    print(
        f"\n## Search, in process, warm ({len(queries)} queries, each once untimed and then {repetitions} "
        "times; 20 hits with snippets)\n"
    )
    print(
        "| class | queries | matches (median) | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms "
        "| baseline: FTS5 bm25 top 20, p50 / p95 / max ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    kinds = list(dict.fromkeys(query.kind for query in queries))
    for kind in [*kinds, "all"]:
        chosen = [q for q in queries if kind in ("all", q.kind)]
        wall = [ms for q in chosen for ms in q.wall_ms]
        cpu = [ms for q in chosen for ms in q.cpu_ms]
        bm25 = [ms for q in chosen for ms in q.bm25_ms]
        label = f"**{kind}**" if kind == "all" else kind
        print(
            f"| {label} | {len(chosen)} | {statistics.median(q.matches for q in chosen):.0f} | "
            f"{percentile(wall, 0.5):.1f} | {percentile(wall, 0.95):.1f} | {max(wall):.1f} | "
            f"{percentile(cpu, 0.5):.1f} | {percentile(cpu, 0.95):.1f} | "
            f"{percentile(bm25, 0.5):.0f} / {percentile(bm25, 0.95):.0f} / {max(bm25):.0f} |"
        )
    every = [ms for q in queries for ms in q.wall_ms]
    print(
        f"\nOf {len(every)} timed searches, {sum(ms > 50 for ms in every)} took more than 50 ms and "
        f"{sum(ms > 300 for ms in every)} more than 300 ms."
    )
    slowest = sorted(queries, key=lambda q: -max(q.wall_ms))[:8]
    print("\nSlowest queries (max wall ms over the repetitions, matching captures):")
    for query in slowest:
        filters = " ".join(f"--{name} {value}" for name, value in query.filters.items())
        print(f"  {max(query.wall_ms):7.1f} ms  {query.matches:7d}  {query.kind:15s} {query.text} {filters}")


# -- what must still hold -----------------------------------------------------------------------------


def check_behaviour(db, queries: list[Query], rng: random.Random) -> None:
    """Recall against a substring scan for a sample of the log (one pass over every indexed text),
    and the seed article's place for its own phrases."""
    from archive.db.search import count_matches, search

    checked = [q for q in rng.sample(queries, min(24, len(queries))) if " " not in q.text and not q.filters]
    checked += [q for q in queries if q.kind == "seed phrases"]
    counts = dict.fromkeys((q.text for q in checked), 0)
    rows = db.execute(
        "SELECT a.title, a.text FROM search_docs d JOIN articles a ON a.rowid = d.rowid "
        "WHERE d.page_kind IN ('article', 'undated', 'short')"
    )
    for title, text in rows:
        for term in counts:
            if term in (title or "") or term in (text or ""):
                counts[term] += 1
    equal = [q.text for q in checked if count_matches(db, q.text) == counts[q.text]]
    print("\n## Behaviour at this size\n")
    print(
        f"- recall: for {len(equal)} of {len(checked)} sampled queries the index finds exactly the "
        "captures a substring scan of every indexed title and text finds"
        + ("" if len(equal) == len(checked) else f" (differ: {sorted(set(counts) - set(equal))})")
    )
    for phrase in SEED_PHRASES:
        urls = [hit.url for hit in search(db, phrase, limit=50)]
        place = urls.index(SEED_URL) + 1 if SEED_URL in urls else None
        print(f"- seed article for {phrase}: {'first' if place == 1 else f'place {place}'}")
    hits = search(db, rng.choice(SEED_PHRASES))
    print(f"- snippet of the first hit: {hits[0].snippet[:80] if hits else '(none)'}")


# -- Datasette ----------------------------------------------------------------------------------------


def measure_datasette(db_path: Path, queries: list[Query], repetitions: int) -> None:
    from urllib.parse import quote

    from archive.serve.app import build_datasette

    picked = [
        q for q in queries if q.kind in ("1 char, common", "2 chars, common", "2 chars, rare", "5-8 chars")
    ]
    picked = picked[::3][:8] + [q for q in queries if q.kind == "seed phrases"][:1]
    name = db_path.stem

    async def run() -> list[tuple[str, str, int, list[float]]]:
        datasette = build_datasette(db_path)
        await datasette.invoke_startup()
        started = time.perf_counter()
        await datasette.client.get(f"/{name}")
        first = (time.perf_counter() - started) * 1000
        results = [("database page (first request)", "", 200, [first])]
        for query in picked:
            for label, path in (
                ("canned query `search`", f"/{name}/search?q={quote(query.text)}"),
                ("articles table, ?_search=", f"/{name}/articles?_search={quote(query.text)}"),
            ):
                timings = []
                status = 0
                for _ in range(1 + repetitions):
                    started = time.perf_counter()
                    response = await datasette.client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                    status = response.status_code
                results.append((label, query.text, status, timings[1:]))
        return results

    print("\n## Datasette, in process (HTML pages, after one untimed request each)\n")
    print("| page | query | status | median ms | max ms |\n|---|---|---|---|---|")
    for label, text, status, timings in asyncio.run(run()):
        print(f"| {label} | {text} | {status} | {statistics.median(timings):.0f} | {max(timings):.0f} |")


# -- the command's start ------------------------------------------------------------------------------


def measure_command(db_path: Path, repetitions: int) -> None:
    from archive.db.schema import open_for_reading
    from archive.db.search import search

    executable = Path(sys.executable).with_name("minzu-archive")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "archive"]
    args = [*command, "search", str(db_path), "海西"]
    subprocess.run(args, capture_output=True, check=True, cwd=REPO)  # untimed: OS caches
    walls = []
    for _ in range(repetitions):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, cwd=REPO)
        walls.append((time.perf_counter() - started) * 1000)
    db = open_for_reading(db_path)
    search(db, "海西")
    started = time.perf_counter()
    search(db, "海西")
    inside = (time.perf_counter() - started) * 1000
    print("\n## The command, `minzu-archive search DB 海西`, as a new process\n")
    print(
        f"wall time over {repetitions} runs: median {statistics.median(walls):.0f} ms, max {max(walls):.0f} ms; "
        f"the same search in process: {inside:.0f} ms, so about {statistics.median(walls) - inside:.0f} ms is "
        "the command's start (interpreter, imports, opening the archive)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--articles", type=int, default=100_000, help="articles in the archive (default 100000)"
    )
    parser.add_argument("--seed", type=int, default=56, help="the generator's seed")
    parser.add_argument(
        "--repetitions", type=int, default=None, help="timed runs per query (default 5; 2 with --quick)"
    )
    parser.add_argument("--per-class", type=int, default=12, help="queries per class of the log")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; a smoke run, not figures")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help=f"default {DEFAULT_CACHE}")
    parser.add_argument("--rebuild", action="store_true", help="build the cached archive again")
    parser.add_argument("--eval-dir", type=Path, default=None, help="labelled pages (default ../shared/eval)")
    args = parser.parse_args(argv)
    from archive.db.schema import open_for_reading
    from archive.extract.evaluate import default_eval_dir

    repetitions = args.repetitions or (2 if args.quick else 5)
    eval_dir = args.eval_dir or default_eval_dir()
    params = CorpusParams(args.articles, seed=args.seed)
    folder = args.cache_dir / params.key
    if args.rebuild and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"# search benchmark: {machine_line()}; archive in {folder}")
    build = build_archive(params, folder, eval_dir)
    db_path = folder / "archive.db"
    db = open_for_reading(db_path)  # upgrades a cached archive built before a schema change
    report_archive(db_path, build)
    with tempfile.TemporaryDirectory(prefix="minzu-bench-search-") as tmp:
        measure_rebuild(params, eval_dir, Path(tmp))
    rng = random.Random(f"{args.seed}:queries")
    queries = query_log(db, rng, args.per_class)
    measure_search(db, queries, repetitions)
    report_search(queries, repetitions)
    check_behaviour(db, queries, rng)
    measure_datasette(db_path, queries, repetitions)
    measure_command(db_path, repetitions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
