"""Rebuild from WARC files alone: the rebuilt archive equals the live one, whatever the order or the
number of worker processes, and rebuilding again changes nothing."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from archive.db.schema import open_archive
from archive.rebuild import RebuildReport, find_warc_files, rebuild
from archive.warc.reader import iter_records
from exports.jsonl import FIELDS, export_articles_jsonl
from tests.conftest import SEED_URL, CrawledCollection, cli
from tests.test_db_warcs import dump_content


def export_text(db_path: Path) -> str:
    out = io.StringIO()
    export_articles_jsonl(open_archive(db_path, readonly=True), out)
    return out.getvalue()


def split_warc(path: Path, directory: Path, parts: int) -> list[Path]:
    """Copy a per-record-gzip WARC file's records, byte for byte, into ``parts`` files of
    consecutive records: request/response pairs and warcinfo links then cross file boundaries."""
    directory.mkdir(parents=True, exist_ok=True)
    locations = [location for location, _ in iter_records(path)]
    raw = path.read_bytes()
    size = -(-len(locations) // parts)
    out = []
    for index in range(parts):
        chunk = locations[index * size : (index + 1) * size]
        target = directory / f"part-{index}.warc.gz"
        target.write_bytes(b"".join(raw[loc.offset : loc.offset + loc.length] for loc in chunk))
        out.append(target)
    return out


@pytest.fixture(scope="module")
def rebuilt(
    crawled: CrawledCollection, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, RebuildReport]:
    db_path = tmp_path_factory.mktemp("rebuilt") / "archive.db"
    return db_path, rebuild(crawled.warc_files, db_path, workers=2)


def test_rebuilt_export_is_byte_identical_to_the_live_one(
    crawled: CrawledCollection, rebuilt: tuple[Path, RebuildReport]
) -> None:
    db_path, report = rebuilt
    assert report.files and all(outcome.ok for outcome in report.files)
    live = export_text(crawled.db_path)
    assert export_text(db_path) == live
    lines = [json.loads(line) for line in live.splitlines()]
    assert len(lines) >= len(crawled.model.site.articles)
    assert all(tuple(line) == FIELDS for line in lines)
    assert [line["url"] for line in lines] == sorted(line["url"] for line in lines)
    seed = next(line for line in lines if line["url"] == SEED_URL)
    assert "海西" in seed["text"] and seed["title"] and seed["published"]
    assert "欢迎订阅" not in seed["text"]  # boilerplate stays out of the export


def test_live_database_equals_the_rebuilt_one(
    crawled: CrawledCollection, rebuilt: tuple[Path, RebuildReport]
) -> None:
    """Principle 2 in full: every row the live crawl wrote comes back from the WARC files alone,
    warcinfo and crawl-run rows included."""
    live = open_archive(crawled.db_path, readonly=True)
    assert dump_content(open_archive(rebuilt[0], readonly=True)) == dump_content(live)


def test_rebuilding_again_and_without_workers_changes_nothing(
    crawled: CrawledCollection, rebuilt: tuple[Path, RebuildReport], tmp_path: Path
) -> None:
    db_path, report = rebuilt
    before = dump_content(open_archive(db_path, readonly=True))
    again = rebuild(crawled.warc_files, db_path, workers=2)
    assert dump_content(open_archive(db_path, readonly=True)) == before
    assert again.records == report.records and again.captures == report.captures
    in_process = rebuild(crawled.warc_files, tmp_path / "serial.db", workers=0)
    assert in_process.articles == report.articles > 0
    assert dump_content(open_archive(tmp_path / "serial.db", readonly=True)) == before


def test_file_order_does_not_matter(crawled: CrawledCollection, tmp_path: Path) -> None:
    [warc] = crawled.warc_files[:1]
    parts = split_warc(warc, tmp_path / "parts", 3)
    forward = rebuild(parts, tmp_path / "forward.db", workers=2)
    backward = rebuild(list(reversed(parts)), tmp_path / "backward.db", workers=2)
    assert [o.filename for o in backward.files] == [p.name for p in reversed(parts)]
    assert forward.captures == backward.captures > 0
    forward_export = export_text(tmp_path / "forward.db")
    assert export_text(tmp_path / "backward.db") == forward_export
    if len(crawled.warc_files) == 1:
        assert forward_export == export_text(crawled.db_path)
    # Not only the export: every row, including links filled in from the side that came second.
    assert dump_content(open_archive(tmp_path / "backward.db", readonly=True)) == dump_content(
        open_archive(tmp_path / "forward.db", readonly=True)
    )
    db = open_archive(tmp_path / "backward.db", readonly=True)
    assert db.execute("SELECT count(*) FROM captures WHERE run_id IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM captures WHERE request_record_id IS NULL").fetchone()[0] == 0


def test_damaged_file_keeps_records_before_the_damage(crawled: CrawledCollection, tmp_path: Path) -> None:
    warc = crawled.warc_files[0]
    locations = [location for location, _ in iter_records(warc)]
    cut = locations[10].offset + locations[10].length // 2
    damaged = tmp_path / warc.name
    damaged.write_bytes(warc.read_bytes()[:cut])
    report = rebuild([damaged, tmp_path / "missing.warc.gz"], tmp_path / "a.db", workers=0)
    first, missing = report.files
    assert first.records == 10 and first.read_error_offset == locations[10].offset
    assert missing.read_error and missing.records == 0
    db = open_archive(tmp_path / "a.db", readonly=True)
    assert db.execute("SELECT count(*) FROM warc_records").fetchone()[0] == 10
    problems = db.execute("SELECT warc_filename, warc_offset FROM ingest_problems").fetchall()
    assert (warc.name, locations[10].offset) in problems
    # The whole file later: the records after the damage arrive, nothing is lost or doubled.
    rebuild([warc], tmp_path / "a.db", workers=0)
    assert db.execute("SELECT count(*) FROM warc_records").fetchone()[0] == len(locations)


def test_find_warc_files_searches_directories_and_dedupes(crawled: CrawledCollection) -> None:
    directory = crawled.warc_files[0].parent
    found = find_warc_files([directory, crawled.warc_files[0]])
    assert found == crawled.warc_files
    assert not find_warc_files([directory / "nothing-here"])[0].exists()


def test_cli_rebuild_prints_a_summary_and_exits_3_on_damage(
    crawled: CrawledCollection, tmp_path: Path
) -> None:
    db_path = tmp_path / "cli.db"
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(b"\x1f\x8b\x08\x00garbage" * 3)
    # A response header without a Target-URI, cut short: warcio raises AttributeError on it.
    headless = tmp_path / "headless.warc"
    headless.write_bytes(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nshort")
    warc_dir = str(crawled.warc_files[0].parent)
    result = cli(
        "rebuild", warc_dir, str(garbage), str(headless), "--db", str(db_path), "--workers", "2", check=False
    )
    assert result.returncode == 3  # built, but damage was found: cron should look
    assert "damaged: garbage.warc.gz bytes 0-" in result.stdout
    out = result.stdout
    assert "Rebuild summary" in out
    assert "garbage.warc.gz: 0 records" in out and "headless.warc: 0 records" in out
    assert out.count("unreadable from offset 0") == 2
    clean = cli("rebuild", warc_dir, "--db", str(db_path), "--quiet", "--json")
    assert clean.returncode == 0
    summary = json.loads(clean.stdout)
    assert summary["damaged_regions"] == []
    assert summary["files"] == len(crawled.warc_files)
    assert summary["records"] == sum(len(list(iter_records(p))) for p in crawled.warc_files)
    assert summary["articles"] > 0 and summary["skipped"] == 0
    # Not a TTY: no progress bar on stderr.
    assert "rebuild:" not in result.stderr
    assert export_text(db_path) == export_text(crawled.db_path)


def test_progress_callback_adds_up_to_the_file_sizes(crawled: CrawledCollection, tmp_path: Path) -> None:
    seen: list[int] = []
    rebuild(crawled.warc_files, tmp_path / "p.db", workers=0, progress=seen.append)
    assert all(step >= 0 for step in seen)
    assert sum(seen) == sum(os.path.getsize(p) for p in crawled.warc_files)


def test_rebuild_module_stays_free_of_scrapy() -> None:
    import subprocess

    code = "import sys, archive.rebuild, exports.jsonl; print('scrapy' in sys.modules or 'twisted' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_crawl_context_travels_in_the_warc_files(
    crawled: CrawledCollection, rebuilt: tuple[Path, RebuildReport]
) -> None:
    """Spider, seeds, settings, extraction options and software versions are in each file's warcinfo,
    and every article row says which extractor version and options produced it (principle 1)."""
    from archive.db.record_rows import parse_warc_fields
    from archive.extract import EXTRACTOR_VERSION, ExtractOptions

    for path in crawled.warc_files:
        _, first = next(iter(iter_records(path)))
        assert first.rec_type == "warcinfo"
        fields = parse_warc_fields(first.content_stream().read())
        assert fields["spider"] == ["minzu"]
        assert SEED_URL in json.loads(fields["seeds"][0])
        settings = json.loads(fields["settings"][0])
        assert settings["ROBOTSTXT_OBEY"] is True and "DEPTH_LIMIT" in settings
        assert json.loads(fields["extraction-options"][0]) == ExtractOptions().to_dict()
        versions = json.loads(fields["software-versions"][0])
        assert {"minzu-archive", "warcio", "trafilatura", "scrapy", "python"} <= set(versions)
    for db_path in (crawled.db_path, rebuilt[0]):
        db = open_archive(db_path, readonly=True)
        [(spider, seeds, settings_json, software)] = db.execute(
            "SELECT spider, seeds, settings, software FROM crawl_runs"
        ).fetchall()
        assert spider == "minzu" and SEED_URL in json.loads(seeds)
        assert json.loads(settings_json)["ROBOTSTXT_OBEY"] is True and "trafilatura/" in software
        stored = db.execute("SELECT fields FROM warcinfo").fetchall()
        assert len(stored) == len(crawled.warc_files)
        assert all("extraction-options" in json.loads(row[0]) for row in stored)
        versions = {row[0] for row in db.execute("SELECT DISTINCT extractor_version FROM articles")}
        options = {row[0] for row in db.execute("SELECT DISTINCT options FROM articles")}
        assert versions == {EXTRACTOR_VERSION}
        assert [json.loads(o) for o in options] == [ExtractOptions().to_dict()]
        # Every capture knows the run it belongs to.
        assert db.execute("SELECT count(*) FROM captures WHERE run_id IS NULL").fetchone()[0] == 0


# A recurring notice no rule of a single page recognises: only the site-wide pass can tell it is boilerplate.
NOTICE = "欢迎各地读者来信来稿，投稿信箱见本刊每期目录页。"


def site_repeat_warc(path: Path, pages: range, date: str) -> Path:
    """Articles whose body carries one notice line that the site-wide pass recognises as boilerplate."""
    from tests.test_db_warcs import SITE, WarcFileBuilder, article_html, seed_sections

    _, subscription = seed_sections()
    builder = WarcFileBuilder(path, date=date)
    for n in pages:
        body = [f"第{n}篇文章的第一段正文，讲的是第{n}个村庄的新变化和新气象。", NOTICE, f"第{n}篇的第二段。"]
        html = article_html(f"第{n}篇文章的标题", "2020-01-02", "关注", body, subscription, [])
        builder.exchange(f"{SITE}/show-case-{n}.html", html, date=f"{date[:17]}{n:02d}Z")
    return builder.close()


def test_catch_up_before_a_crawl_runs_the_site_pass_and_equals_a_rebuild(tmp_path: Path) -> None:
    """Records a killed crawl wrote but never ingested are caught up, and the site-wide pass runs after
    them: the database then equals a rebuild of the WARC files, full-text rows included."""
    from archive.collection import database_path, prepare_collection, warc_directory
    from archive.db.ingest import ingest_warc_file

    collection = tmp_path / "collection"
    warc_dir = warc_directory(collection)
    warc_dir.mkdir(parents=True)
    first = site_repeat_warc(warc_dir / "run-00000.warc.gz", range(0, 3), "2024-02-01T08:00:00Z")
    site_repeat_warc(warc_dir / "run-00001.warc.gz", range(3, 6), "2024-02-01T09:00:00Z")
    db = open_archive(database_path(collection))
    ingest_warc_file(db, first)  # the crawl ingested its first file, then died
    db.close()

    prepared = prepare_collection(collection)
    live = open_archive(database_path(collection), readonly=True)
    texts = [row[0] for row in live.execute("SELECT text FROM articles WHERE status = 'ok'")]
    assert len(texts) == 6 and not any(NOTICE in text for text in texts)
    assert prepared.caught_up_files == ("run-00001.warc.gz",) and prepared.site_repeats_changed == 6
    rebuild(find_warc_files([warc_dir]), tmp_path / "rebuilt.db", workers=0)
    assert dump_content(open_archive(tmp_path / "rebuilt.db", readonly=True)) == dump_content(live)
