"""The completeness report at the real site's scale: 30,000 URLs, 100,000 captures, years of re-crawls.

    python -m benchmarks.report [--quick] [--repetitions N]

The archive is synthetic (rows written straight into a fresh archive database, no crawl): 10,000 articles
captured eight times each over two years (four edits and three 304 revisits after the first capture), two
images, 3,000 characters of text and twenty links each, listing pages, and deliberate gaps (articles linked
but never fetched, images never captured, removed articles). The baseline is counting the
``latest_captures`` view, the archive's own cheapest whole-archive question, timed on the same file in the
same run. Wall and CPU seconds are both printed: on a shared machine, compare the CPU figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from archive.sites import DEFAULT_SITE

ORIGIN = f"http://{DEFAULT_SITE.host}"
SECTIONS = ("示范创建", "关注", "共有家园", "史话共同体", "民族文化", "理论", "专题", "图片")


def build_archive(path: Path, articles: int, versions: int, seed: int = 5620) -> dict[str, int]:
    """A synthetic archive; returns how many URLs and captures it holds and the gaps it was given."""
    from archive.db.record_rows import url_key
    from archive.db.schema import open_archive

    rng = random.Random(seed)
    db = open_archive(path)
    conn = db.conn
    runs = [f"run-{n:02d}" for n in range(versions)]
    captures: list[tuple] = []
    article_rows: list[tuple] = []
    image_rows: list[tuple] = []
    link_rows: list[tuple] = []
    warc_rows: list[tuple] = []
    keys: dict[str, str] = {}

    def key(url: str) -> str:
        if url not in keys:
            keys[url] = url_key(url) or url
        return keys[url]

    def capture(url: str, run: int, status: int, record_type: str = "response", length: int = 20_000) -> str:
        record_id = f"<urn:uuid:{len(captures):08d}>"
        day = f"{dt.date(2023, 1, 1) + dt.timedelta(days=run * 100)}T{rng.randint(0, 23):02d}:00:00Z"
        filename = f"minzu-{runs[run]}.warc.gz"
        offset = len(captures) * 30_000
        captures.append(
            (
                record_id,
                url,
                key(url),
                day,
                record_type,
                status,
                "text/html",
                length,
                filename,
                offset,
                30_000,
                runs[run],
            )
        )
        warc_rows.append((filename, offset, 30_000, record_id, record_type, url, day))
        return record_id

    article_ids = rng.sample(range(100, 200_000), articles)
    never_fetched = set(article_ids[: articles // 100])  # 1 %: linked, never fetched
    removed = set(article_ids[articles // 100 : articles // 100 + articles // 300])  # later answer 410
    lost_images = set()
    for number, article_id in enumerate(article_ids):
        url = f"{ORIGIN}/show-case-{article_id}.html"
        if article_id in never_fetched:
            continue
        images = [f"{ORIGIN}/uploadfile/2024/{article_id}_{n}.jpg" for n in (1, 2)]
        related = [f"{ORIGIN}/show-case-{rng.choice(article_ids)}.html" for _ in range(16)]
        nav = [f"{ORIGIN}/list-case-{n}-1.html" for n in range(4)]
        for version in range(versions):
            if article_id in removed and version == versions - 1:
                capture(url, version, 410)
            elif version == 0 or version % 2 == 1:
                record_id = capture(url, version, 200)
                section = SECTIONS[article_id % len(SECTIONS)]
                published = f"{2010 + article_id % 15}-0{1 + article_id % 9}-1{article_id % 10}"
                article_rows.append(
                    (record_id, url, "ok", f"标题{article_id}", published, section, "正文" * 1500)
                )
                image_rows.extend((record_id, n, src, None, None) for n, src in enumerate(images))
                links = related + nav + images
                link_rows.extend((record_id, n, link, "", "page") for n, link in enumerate(links))
            else:
                capture(url, version, 304, "revisit", 0)
        for n, src in enumerate(images):
            if number % 250 == 0 and n == 1:
                lost_images.add(src)
                continue
            capture(src, 0, 200, length=150_000)
    # Listing pages, fetched every run: they link to the articles (the never-fetched ones included).
    for page in range(max(1, articles // 40)):
        listing = f"{ORIGIN}/list-case-{page % 4}-{page}.html"
        for version in range(versions):
            record_id = capture(listing, version, 200)
            article_rows.append((record_id, listing, "not-article", None, None, None, None))
            chunk = article_ids[page * 40 : page * 40 + 40]
            link_rows.extend(
                (record_id, n, f"{ORIGIN}/show-case-{a}.html", "", "body") for n, a in enumerate(chunk)
            )
    with conn:
        conn.executemany(
            "INSERT INTO captures (record_id, url, url_key, fetched_at, record_type, status, mime_type, "
            "content_length, warc_filename, warc_offset, warc_length, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            captures,
        )
        conn.executemany(
            "INSERT INTO articles (capture_id, url, status, title, published, section, text) VALUES (?,?,?,?,?,?,?)",
            article_rows,
        )
        conn.executemany("INSERT INTO images VALUES (?,?,?,?,?)", image_rows)
        conn.executemany("INSERT INTO links VALUES (?,?,?,?,?)", link_rows)
        conn.executemany("INSERT INTO warc_records VALUES (?,?,?,?,?,?,?)", warc_rows)
        for run in runs:
            conn.execute(
                "INSERT INTO warcinfo (record_id, run_id, warc_filename, fields) VALUES (?, ?, ?, '{}')",
                [f"<urn:uuid:info-{run}>", run, f"minzu-{run}.warc.gz"],
            )
            conn.execute(
                "INSERT INTO crawl_runs (run_id, seeds, started, stats) VALUES (?, ?, ?, ?)",
                [run, f'["{ORIGIN}/"]', f"2024-{run[-2:]}", '{"finish_reason": "finished", "stats": {}}'],
            )
    db.close()
    return {
        "urls": len(keys),
        "captures": len(captures),
        "links": len(link_rows),
        "never_fetched": len(never_fetched),
        "removed": len(removed),
        "lost_images": len(lost_images),
    }


def timed(function: Callable[[], object], repetitions: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds: on a shared machine the CPU figure is the one to compare."""
    walls, cpus = [], []
    result = None
    for _ in range(repetitions):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def traced_peak(function: Callable[[], object]) -> int:
    """Peak bytes of Python objects allocated while ``function`` runs (tracemalloc; SQLite's own
    page cache is not counted): the report's share of a crawl's peak RSS."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, one repetition")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    from archive.db.completeness import completeness_line, completeness_report
    from archive.db.schema import open_for_reading
    from exports.report_html import render_report_html

    articles = 1_000 if args.quick else 10_000
    repetitions = 1 if args.quick else args.repetitions
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.db"
        started = time.perf_counter()
        sizes = build_archive(path, articles, versions=8)
        print(f"synthetic archive built in {time.perf_counter() - started:.1f} s: {sizes}")
        db = open_for_reading(path)
        baseline = timed(lambda: db.execute("SELECT count(*) FROM latest_captures").fetchone(), repetitions)
        measured = timed(lambda: completeness_report(db), repetitions)
        report = measured[2]
        html = timed(lambda: render_report_html(report), repetitions)
        peak = traced_peak(lambda: completeness_report(db))
        db.close()
    print(completeness_line(report))
    assert len(report.articles_missing) == sizes["never_fetched"], "the report lost a missing article"
    assert len(report.images_missing) == sizes["lost_images"], "the report lost a missing image"
    assert len(report.articles_gone) == sizes["removed"], "the report lost a removed article"
    print(f"{'step':<34}{'wall s':>8}{'CPU s':>8}{'CPU × baseline':>16}")
    for name, (wall, cpu, _) in (
        ("baseline: count(latest_captures)", baseline),
        ("completeness_report", measured),
        ("render_report_html", html),
    ):
        print(f"{name:<34}{wall:>8.2f}{cpu:>8.2f}{cpu / baseline[1]:>16.1f}")
    print(f"HTML page: {len(html[2].encode()) / 1024:.0f} KiB")
    print(
        f"completeness_report peak Python memory: {peak / 2**20:.1f} MiB ({peak / sizes['urls']:.0f} B per URL)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
