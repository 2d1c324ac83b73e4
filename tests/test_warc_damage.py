"""Damaged WARC files keep every good byte: each variant of damage costs exactly the records inside it.

One file of the site model's 40 articles (one gzip member per record, as the crawl writes it) is
damaged in the ways real files get damaged (a flipped bit, a cut, garbage between records, a record
without WARC-Type, a malformed digest, a duplicated record, headers that break WARC/1.1's syntax), and
each variant is rebuilt: the articles it must keep are the 40 minus those whose records were hit.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.db.schema import open_archive
from archive.rebuild import DAMAGE_EXIT_STATUS, RebuildReport, rebuild
from archive.warc.check import check_warc, check_warcs
from archive.warc.reader import Damage, iter_records, scan_records
from archive.warc.records import (
    HttpRequestData,
    HttpResponseData,
    build_request_record,
    build_response_record,
    new_record_id,
)
from archive.warc.writer import RecordLocation, RotatingWarcWriter
from sitemodel import pages
from sitemodel.content import build_site

DATE = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class ArticleWarc:
    path: Path
    responses: dict[str, RecordLocation]  # article URL -> its response record

    @property
    def urls(self) -> set[str]:
        return set(self.responses)

    def data(self) -> bytearray:
        return bytearray(self.path.read_bytes())


def write_article_warc(directory: Path) -> ArticleWarc:
    """The site model's articles as a crawl writes them: request, response, one gzip member each."""
    site = build_site(1)
    responses = {}
    with RotatingWarcWriter(directory, prefix="articles", warcinfo_fields={"run-id": "damage"}) as writer:
        for article in site.articles:
            body = pages.render_article(site, article).encode(article.encoding, errors="xmlcharrefreplace")
            content_type = f"text/html; charset={pages.meta_charset(article.encoding)}"
            request_id = new_record_id()
            request = build_request_record(
                HttpRequestData("GET", article.url), warc_date=DATE, record_id=request_id
            )
            response = build_response_record(
                HttpResponseData(article.url, 200, "OK", [("Content-Type", content_type)], body),
                warc_date=DATE,
                concurrent_to=request_id,
            )
            responses[article.url] = writer.write_many([request, response])[1]
    [path] = sorted(directory.glob("*.warc.gz"))
    return ArticleWarc(path, responses)


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> ArticleWarc:
    return write_article_warc(tmp_path_factory.mktemp("articles"))


def ok_urls(db_path: Path) -> set[str]:
    db = open_archive(db_path, readonly=True)
    return {row[0] for row in db.execute("SELECT url FROM articles WHERE status = 'ok'")}


def rebuilt(data: bytes, directory: Path, name: str, workers: int = 0) -> tuple[RebuildReport, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(data)
    db_path = directory / f"{name}.db"
    return rebuild([path], db_path, workers=workers), db_path


def member_bytes(data: bytes, location: RecordLocation) -> bytes:
    return bytes(data[location.offset : location.offset + location.length])


def rewritten_member(data: bytes, location: RecordLocation, change) -> bytes:
    """The record at ``location`` decompressed, changed by ``change(header, rest)``, recompressed."""
    raw = gzip.decompress(member_bytes(data, location))
    header, _, rest = raw.partition(b"\r\n\r\n")
    return gzip.compress(change(header, rest), mtime=0)


def replace_member(data: bytes, location: RecordLocation, member: bytes) -> bytes:
    return bytes(data[: location.offset]) + member + bytes(data[location.offset + location.length :])


def test_the_clean_file_keeps_every_article(articles: ArticleWarc, tmp_path: Path) -> None:
    report, db_path = rebuilt(articles.path.read_bytes(), tmp_path, "clean.warc.gz")
    assert ok_urls(db_path) == articles.urls and len(articles.urls) == 40
    assert not report.damage and report.exit_status == 0


@pytest.mark.parametrize("workers", [0, 2])
def test_a_flipped_bit_costs_only_its_record(articles: ArticleWarc, tmp_path: Path, workers: int) -> None:
    victim = sorted(articles.urls)[11]
    location = articles.responses[victim]
    data = articles.data()
    data[location.offset + location.length // 2] ^= 0x10
    report, db_path = rebuilt(bytes(data), tmp_path, "flipped.warc.gz", workers)
    assert ok_urls(db_path) == articles.urls - {victim}
    [region] = report.damage
    assert (region.start, region.end) == (location.offset, location.offset + location.length)
    assert report.exit_status == DAMAGE_EXIT_STATUS
    db = open_archive(db_path, readonly=True)
    assert db.execute("SELECT start_offset, end_offset, kind FROM warc_damage").fetchall() == [
        (region.start, region.end, "unreadable")
    ]


def test_flips_in_many_records_cost_only_those(articles: ArticleWarc, tmp_path: Path) -> None:
    victims = sorted(articles.urls)[3::7]
    data = articles.data()
    for url in victims:
        location = articles.responses[url]
        data[location.offset + 40] ^= 0xFF  # inside the deflate data, past the gzip header
    report, db_path = rebuilt(bytes(data), tmp_path, "flips.warc.gz")
    assert ok_urls(db_path) == articles.urls - set(victims)
    assert len(report.damage) == len(victims)


def test_a_cut_file_keeps_everything_before_the_cut(articles: ArticleWarc, tmp_path: Path) -> None:
    ordered = sorted(articles.responses.values(), key=lambda loc: loc.offset)
    cut = ordered[30]
    data = articles.path.read_bytes()[: cut.offset + cut.length // 3]
    report, db_path = rebuilt(data, tmp_path, "cut.warc.gz")
    kept = {url for url, loc in articles.responses.items() if loc.offset < cut.offset}
    assert ok_urls(db_path) == kept and len(kept) == 30
    [region] = report.damage
    assert region.start == cut.offset and region.end == len(data)


def test_garbage_between_records_is_skipped(articles: ArticleWarc, tmp_path: Path) -> None:
    location = articles.responses[sorted(articles.urls)[20]]
    data = articles.path.read_bytes()
    garbage = b"\x1f\x8b\x08 not a gzip member \x00" * 50
    at = location.offset
    report, db_path = rebuilt(data[:at] + garbage + data[at:], tmp_path, "garbage.warc.gz")
    assert ok_urls(db_path) == articles.urls
    [region] = report.damage
    assert (region.start, region.end) == (at, at + len(garbage))


def test_a_record_without_warc_type_costs_only_itself(articles: ArticleWarc, tmp_path: Path) -> None:
    """It used to fail a NOT NULL constraint and roll the whole rebuild back."""
    victim = sorted(articles.urls)[5]
    location = articles.responses[victim]
    data = articles.path.read_bytes()

    def without_type(header: bytes, rest: bytes) -> bytes:
        lines = [line for line in header.split(b"\r\n") if not line.startswith(b"WARC-Type:")]
        return b"\r\n".join(lines) + b"\r\n\r\n" + rest

    damaged = replace_member(data, location, rewritten_member(data, location, without_type))
    report, db_path = rebuilt(damaged, tmp_path, "untyped.warc.gz")
    assert ok_urls(db_path) == articles.urls - {victim}
    [region] = report.damage
    assert region.kind == "bad-record" and "WARC-Type" in region.reason
    db = open_archive(db_path, readonly=True)
    assert db.execute("SELECT count(*) FROM warc_records").fetchone()[0] == 1 + 2 * 40 - 1


def test_a_malformed_digest_is_counted_not_fatal(articles: ArticleWarc, tmp_path: Path) -> None:
    victim = sorted(articles.urls)[8]
    location = articles.responses[victim]
    data = articles.path.read_bytes()

    def bad_digest(header: bytes, rest: bytes) -> bytes:
        lines = [
            b"WARC-Payload-Digest: sha1:0000111188889999!!!!"
            if line.startswith(b"WARC-Payload-Digest:")
            else line
            for line in header.split(b"\r\n")
        ]
        return b"\r\n".join(lines) + b"\r\n\r\n" + rest

    damaged = replace_member(data, location, rewritten_member(data, location, bad_digest))
    report, db_path = rebuilt(damaged, tmp_path, "digest.warc.gz")
    assert ok_urls(db_path) == articles.urls  # a flawed record, ingested all the same
    [outcome] = report.files
    [problem] = outcome.problems
    assert "malformed WARC-Payload-Digest" in problem.reason
    assert report.exit_status == DAMAGE_EXIT_STATUS
    path = tmp_path / "digest.warc.gz"
    assert any("malformed WARC-Payload-Digest" in p.message for p in check_warc(path).errors)


def test_a_duplicated_record_is_ingested_once_and_check_names_it(
    articles: ArticleWarc, tmp_path: Path
) -> None:
    location = articles.responses[sorted(articles.urls)[2]]
    data = articles.path.read_bytes()
    doubled = data + member_bytes(data, location)
    report, db_path = rebuilt(doubled, tmp_path, "doubled.warc.gz")
    assert ok_urls(db_path) == articles.urls
    assert report.files[0].actions["duplicate"] == 1
    errors = check_warc(tmp_path / "doubled.warc.gz").errors
    assert [p.offset for p in errors] == [len(data)] and "also used" in errors[0].message
    # across files too: the same record in two files checked together
    copy = tmp_path / "copy.warc.gz"
    copy.write_bytes(member_bytes(data, location))
    first, second = check_warcs([articles.path, copy])
    assert first.ok and not second.ok and "also used" in second.errors[0].message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda h: h.replace(b"\r\n", b"\n"), "end with LF only"),
        (lambda h: h + b"\r\nWARC-Comment without a colon", "is not a 'Name: value' field"),
        (lambda h: h + "\r\nWARC-Comment: 民族".encode("gbk"), "header is not UTF-8"),
    ],
    ids=["lf-only", "no-colon", "not-utf8"],
)
def test_check_is_strict_where_warc_1_1_is(
    articles: ArticleWarc, tmp_path: Path, change, message: str
) -> None:
    location = articles.responses[sorted(articles.urls)[0]]
    data = articles.path.read_bytes()
    member = rewritten_member(data, location, lambda header, rest: change(header) + b"\r\n\r\n" + rest)
    path = tmp_path / "strict.warc.gz"
    path.write_bytes(replace_member(data, location, member))
    report = check_warc(path)
    assert [p.offset for p in report.errors] == [location.offset]
    assert message in report.errors[0].message
    assert check_warc(articles.path).ok
    # Reading is lenient where checking is strict: the record is ingested.
    _, db_path = rebuilt(path.read_bytes(), tmp_path / "db", "strict.warc.gz")
    assert ok_urls(db_path) == articles.urls


def test_ranges_read_by_several_workers_meet_exactly(
    articles: ArticleWarc, tmp_path: Path, monkeypatch
) -> None:
    """A file split into byte ranges, each cut inside a record, reads as the whole file does, damage
    included."""
    import archive.rebuild

    data = articles.data()
    victim = articles.responses[sorted(articles.urls)[17]]
    data[victim.offset + victim.length // 2] ^= 0x01
    whole, whole_db = rebuilt(bytes(data), tmp_path / "whole", "a.warc.gz", workers=0)
    monkeypatch.setattr(archive.rebuild, "RANGE_BYTES", 7_777)  # dozens of ranges, none on a boundary
    split, split_db = rebuilt(bytes(data), tmp_path / "split", "a.warc.gz", workers=2)
    assert [(r.start, r.end) for r in split.damage] == [(r.start, r.end) for r in whole.damage]
    assert split.records == whole.records == 1 + 2 * 40 - 1
    assert ok_urls(split_db) == ok_urls(whole_db) == articles.urls - {sorted(articles.urls)[17]}


def test_scan_from_any_offset_resynchronizes_to_the_next_record(articles: ArticleWarc) -> None:
    starts = [location.offset for location, _ in iter_records(articles.path)]
    for offset in (1, starts[5] - 1, starts[5], starts[5] + 1, starts[-1] + 3):
        scan = scan_records(articles.path, start=offset, resync=True)
        first = next(iter(scan), None)
        expected = next((s for s in starts if s >= offset), None)
        assert (None if first is None else first[0].offset) == expected


def test_plain_warc_resynchronizes_at_the_next_record(articles: ArticleWarc, tmp_path: Path) -> None:
    plain = bytearray(gzip.decompress(articles.path.read_bytes()))
    second = plain.index(b"WARC/1.1", 10)
    plain[second + 20 : second + 40] = b"\x00" * 20  # garble the second record's header
    path = tmp_path / "plain.warc"
    path.write_bytes(bytes(plain))
    items = list(scan_records(path))
    damage = [item for item in items if isinstance(item, Damage)]
    assert len(damage) == 1 and damage[0].start == second
    assert len(items) - len(damage) == 1 + 2 * 40 - 1


def test_inflating_never_holds_a_bomb_in_memory_at_once(tmp_path: Path) -> None:
    """A member that inflates to far more than its size is spooled in steps (the spool goes to disk)."""
    header = b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:0>\r\nContent-Length: %d\r\n\r\n"
    size = 40 * 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = compressor.compress(header % size)
    for _ in range(size // (1024 * 1024)):
        member += compressor.compress(b"\0" * (1024 * 1024))
    member += compressor.compress(b"\r\n\r\n") + compressor.flush()
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(member)
    [(location, record)] = list(iter_records(path))
    assert location.length == len(member) < 100_000 and record.length == size
