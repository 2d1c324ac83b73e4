"""Ingest: WARC records to rows, idempotent and independent of order."""

from __future__ import annotations

import random
from pathlib import Path

from archive.db.ingest import ingest_record, ingest_warc_file
from archive.db.schema import open_archive
from archive.db.search import search
from archive.extract.result import Extraction
from archive.warc.reader import iter_records
from tests.test_db_warcs import (
    IMAGE_URL,
    JPEG_BYTES,
    MISSING_URL,
    RUN_ID,
    SECOND_URL,
    SEED_URL,
    UNCAPTURED_IMAGE_URL,
    WarcFileBuilder,
    build_site_warcs,
    dump_content,
    record_id,
)


def ingest_all(db_path: Path, warcs: list[Path]):
    db = open_archive(db_path)
    outcomes = [ingest_warc_file(db, path) for path in warcs]
    return db, outcomes


def test_rows_from_a_crawl(tmp_path: Path) -> None:
    db, outcomes = ingest_all(tmp_path / "a.db", build_site_warcs(tmp_path))
    assert [o.records for o in outcomes] == [7, 6]
    assert all(o.ok for o in outcomes)
    assert outcomes[0].actions == {"run": 1, "request": 3, "article": 1, "capture": 2}
    assert outcomes[1].actions["article"] == 2

    captures = {row["url"]: row for row in db.query("SELECT * FROM captures")}
    assert set(captures) == {SEED_URL, IMAGE_URL, MISSING_URL, SECOND_URL, "https://www.56-china.com.cn/"}
    seed = captures[SEED_URL]
    assert seed["status"] == 200 and seed["mime_type"] == "text/html" and seed["run_id"] == RUN_ID
    assert seed["payload_digest"].startswith("sha1:") and seed["ip_address"] == "127.0.0.1"
    assert seed["warc_filename"] == "run-00000.warc.gz" and seed["warc_offset"] > 0
    assert seed["url_key"] == "cn,com,56-china)/show-case-1616.html"
    request = db.execute("SELECT url, method FROM requests WHERE record_id = ?", [seed["request_record_id"]])
    assert request.fetchone() == (SEED_URL, "GET")
    assert captures[IMAGE_URL]["content_length"] == len(JPEG_BYTES)
    assert captures[MISSING_URL]["status"] == 404

    articles = {row["url"]: row for row in db.query("SELECT * FROM articles")}
    assert articles[SEED_URL]["status"] == "ok" and articles[SEED_URL]["published"] == "2018-05-18"
    assert MISSING_URL not in articles  # error pages are captures, not articles
    assert "欢迎订阅" not in articles[SEED_URL]["text"]

    run = next(db.query("SELECT * FROM crawl_runs"))
    assert run["run_id"] == RUN_ID and run["spider"] == "minzu"
    assert run["started"] == "2024-01-15T08:00:00Z" and run["finished"] == "2024-01-15T08:02:00Z"
    assert '"pages": 3' in run["stats"]
    files = list(db.query("SELECT filename, records FROM warc_files ORDER BY filename"))
    assert files == [
        {"filename": "run-00000.warc.gz", "records": 7},
        {"filename": "run-00001.warc.gz", "records": 6},
    ]


def test_images_join_their_own_captures(tmp_path: Path) -> None:
    db, _ = ingest_all(tmp_path / "a.db", build_site_warcs(tmp_path))
    rows = list(db.query("SELECT src, image_status, image_mime_type FROM article_images ORDER BY position"))
    assert {"src": IMAGE_URL, "image_status": 200, "image_mime_type": "image/jpeg"} in rows
    assert {"src": UNCAPTURED_IMAGE_URL, "image_status": None, "image_mime_type": None} in rows


def test_boilerplate_is_stored_once_for_both_pages(tmp_path: Path) -> None:
    db, _ = ingest_all(tmp_path / "a.db", build_site_warcs(tmp_path))
    subscription = list(db.query("SELECT block_id FROM boilerplate_blocks WHERE text LIKE '欢迎订阅%'"))
    assert len(subscription) == 1
    pages = {
        row["url"]
        for row in db.query(
            "SELECT url FROM boilerplate_pages WHERE block_id = ?", [subscription[0]["block_id"]]
        )
    }
    assert pages == {SEED_URL, SECOND_URL}
    assert search(db, "欢迎订阅") == []
    assert search(db, "杂志社订阅") == []


def test_ingesting_twice_changes_nothing(tmp_path: Path) -> None:
    warcs = build_site_warcs(tmp_path)
    db, _ = ingest_all(tmp_path / "a.db", warcs)
    before = list(db.conn.iterdump())
    again = [ingest_warc_file(db, path) for path in warcs]
    assert all(o.ok for o in again)
    assert list(db.conn.iterdump()) == before


def test_file_order_does_not_matter(tmp_path: Path) -> None:
    warcs = build_site_warcs(tmp_path)
    forward, _ = ingest_all(tmp_path / "forward.db", warcs)
    backward, _ = ingest_all(tmp_path / "backward.db", list(reversed(warcs)))
    assert dump_content(forward) == dump_content(backward)
    assert search(forward, "海西") == search(backward, "海西")


def test_record_by_record_in_shuffled_order_equals_file_ingest(tmp_path: Path) -> None:
    """The live path (one record at a time) in an adversarial order: responses before their
    requests and before the warcinfo that names their run."""
    warcs = build_site_warcs(tmp_path)
    rebuilt, _ = ingest_all(tmp_path / "rebuilt.db", warcs)
    pairs = [pair for path in warcs for pair in iter_records(path)]
    random.Random(7).shuffle(pairs)
    pairs.sort(key=lambda pair: pair[1].rec_type == "warcinfo")  # every warcinfo last
    live = open_archive(tmp_path / "live.db")
    outcomes = [ingest_record(live, location, record) for location, record in pairs]
    assert all(o.action != "skipped" for o in outcomes)
    assert dump_content(live) == dump_content(rebuilt)


def test_damaged_file_keeps_what_was_readable(tmp_path: Path) -> None:
    first, _ = build_site_warcs(tmp_path)
    data = first.read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[: len(data) - 200])
    db = open_archive(tmp_path / "a.db")
    outcome = ingest_warc_file(db, damaged)
    assert outcome.read_error is not None and not outcome.ok
    assert outcome.records == 6
    assert db.execute("SELECT count(*) FROM captures").fetchone()[0] == 2
    problems = list(db.query("SELECT warc_filename, warc_offset FROM ingest_problems"))
    assert problems == [{"warc_filename": "damaged.warc.gz", "warc_offset": outcome.read_error_offset}]


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    outcome = ingest_warc_file(db, tmp_path / "nope.warc.gz")
    assert outcome.records == 0 and "FileNotFoundError" in (outcome.read_error or "")


def test_bad_record_is_skipped_with_a_reason(tmp_path: Path) -> None:
    builder = WarcFileBuilder(tmp_path / "bad.warc.gz")
    builder.exchange(SEED_URL, b"<html><body><p>short</p></body></html>")
    builder.metadata(f"urn:minzu-archive:run:{RUN_ID}", b"{not json")
    db = open_archive(tmp_path / "a.db")
    outcome = ingest_warc_file(db, builder.close())
    assert outcome.records == 4 and outcome.ingested == 3
    assert len(outcome.skipped) == 1 and "JSONDecodeError" in outcome.skipped[0].reason
    assert db.execute("SELECT count(*) FROM ingest_problems").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM warc_records").fetchone()[0] == 4


def test_extraction_failure_stays_visible(tmp_path: Path) -> None:
    def broken_extractor(body: bytes, url: str, **_: object) -> Extraction:
        raise RuntimeError("parser exploded")

    builder = WarcFileBuilder(tmp_path / "one.warc.gz")
    builder.exchange(SEED_URL, b"<html><body><p>text</p></body></html>")
    db = open_archive(tmp_path / "a.db")
    outcome = ingest_warc_file(db, builder.close(), extractor=broken_extractor)
    assert outcome.article_statuses == {"error": 1}
    row = next(db.query("SELECT status, error FROM articles"))
    assert row == {"status": "error", "error": "RuntimeError: parser exploded"}
    assert db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 0


def _revisit_warc(path: Path) -> dict[str, str]:
    """Three responses with one payload and two revisits: one names its original in WARC-Refers-To (a
    later capture than the rule would pick), one names nothing (and only its own URL can help)."""
    from warcio.statusandheaders import StatusAndHeaders

    from tests.test_db_warcs import SITE

    builder = WarcFileBuilder(path, date="2024-03-01T00:00:00Z")
    page, other = f"{SITE}/show-case-1.html", f"{SITE}/show-case-2.html"
    body = b"<html><body>same bytes</body></html>"
    ids = {
        "first": builder.exchange(page, body, date="2024-03-01T00:00:01Z"),
        "second": builder.exchange(page, body, date="2024-03-02T00:00:01Z"),
        "other": builder.exchange(other, body, date="2024-03-03T00:00:01Z"),
    }
    digest = next(
        record.rec_headers.get_header("WARC-Payload-Digest")
        for _, record in iter_records(builder.close())
        if record.rec_type == "response"
    )
    builder = WarcFileBuilder(path.with_name("revisits.warc.gz"), date="2024-04-01T00:00:00Z")
    for name, url, refers_to in (("named", page, ids["second"]), ("unnamed", other, None)):
        ids[name] = record_id(f"revisit:{name}")
        headers = {
            "WARC-Record-ID": ids[name],
            "WARC-Date": "2024-04-01T00:00:01Z",
            "WARC-Payload-Digest": digest,
        }
        if refers_to:
            headers["WARC-Refers-To"] = refers_to
        http = StatusAndHeaders("304 Not Modified", [], protocol="HTTP/1.1")
        builder._write(
            builder._writer.create_warc_record(url, "revisit", http_headers=http, warc_headers_dict=headers)
        )
    builder.close()
    return ids


def test_revisit_refers_to_keeps_the_header_and_falls_back_to_its_own_url(tmp_path: Path) -> None:
    ids = _revisit_warc(tmp_path / "responses.warc.gz")
    files = [tmp_path / "responses.warc.gz", tmp_path / "revisits.warc.gz"]
    for order in (files, files[::-1]):
        db = open_archive(tmp_path / f"{order[0].stem}.db")
        for path in order:
            ingest_warc_file(db, path)
        refers = dict(
            db.execute("SELECT record_id, refers_to FROM captures WHERE record_type = 'revisit'").fetchall()
        )
        assert refers[ids["named"]] == ids["second"]  # as the header says, though "first" is earlier
        assert refers[ids["unnamed"]] == ids["other"]  # same URL as the revisit, though not the earliest
        sources = db.execute(
            "SELECT refers_to_source FROM captures WHERE record_type = 'revisit' ORDER BY record_id"
        )
        assert sorted(row[0] for row in sources) == ["header", "payload-digest"]


def test_an_image_is_shown_with_a_capture_that_holds_its_bytes(tmp_path: Path) -> None:
    """A 304 revisit (or an error answer) nearer in time than the image's 200 response has no bytes."""
    from archive.db.article_rows import write_extraction
    from archive.extract.result import ImageRef

    db = open_archive(tmp_path / "a.db")
    rows = [
        ("<urn:page>", SEED_URL, "2024-05-01T10:00:00Z", "response", 200),
        ("<urn:img-200>", IMAGE_URL, "2024-01-01T10:00:00Z", "response", 200),
        ("<urn:img-304>", IMAGE_URL, "2024-05-01T10:00:01Z", "revisit", 304),
        ("<urn:img-503>", IMAGE_URL, "2024-05-01T10:00:02Z", "response", 503),
    ]
    for offset, (rid, url, date, kind, status) in enumerate(rows):
        db.execute(
            "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
            " VALUES (?, ?, ?, ?, ?, 'a.warc.gz', ?)",
            [rid, url, date, kind, status, offset],
        )
    write_extraction(
        db, "<urn:page>", Extraction(url=SEED_URL, paragraphs=["正文"], images=[ImageRef(IMAGE_URL)])
    )
    image = db.execute("SELECT image_capture_id, image_status FROM article_images").fetchone()
    assert image == ("<urn:img-200>", 200)
