"""WARC and ARC files written by other tools (warcio's and jwarc's test suites) rebuild cleanly.

Expectations per file come from ../shared/eval/warc/survey.md (record types and counts as warcio
reads them) and from our reader's damage policy: a file that cannot give record offsets (whole-file
gzip, gzip members not aligned with records, a record shorter than its header says) keeps every
complete record before the damage and reports where the damage starts. The files are read where
CI has them, never copied into the repository.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from archive.db.schema import open_archive
from archive.db.show import show_url
from archive.rebuild import rebuild
from archive.warc.reader import iter_records
from tests.conftest import REPO, cli
from tests.test_db_warcs import dump_content

FOREIGN = REPO.parent / "shared" / "eval" / "warc"


@dataclass(frozen=True)
class Expect:
    """What one file must become: records ingested, capture rows by type, and where it is damaged."""

    records: int
    captures: dict[str, int] = field(default_factory=dict)
    damaged_at: int | None = None
    digest_problems: int = 0
    ok_articles: int = 0
    damaged_regions: int | None = None  # default: one when damaged_at is set

    @property
    def regions(self) -> int:
        if self.damaged_regions is not None:
            return self.damaged_regions
        return int(self.damaged_at is not None)


EXPECTED = {
    "jwarc/cc.warc.gz": Expect(1, {"response": 1}, ok_articles=1),
    "jwarc/gzip_extra_sl.warc.gz": Expect(1),
    "warcio/bad.arc": Expect(4, {"response": 3}),
    "warcio/example-bad-non-chunked.warc.gz": Expect(0, damaged_at=0),
    "warcio/example-bad.warc.gz.bad": Expect(0, damaged_at=0),
    "warcio/example-digest.warc": Expect(4, digest_problems=1),
    "warcio/example-iana.org-chunked.warc": Expect(3, {"response": 1}, ok_articles=1),
    "warcio/example-resource.warc.gz": Expect(3, {"resource": 1}, ok_articles=1),
    "warcio/example-space-in-target-uri.warc.gz": Expect(2, {"resource": 1}),
    "warcio/example-space-in-url.arc": Expect(1, damaged_at=151),
    # Its response's Content-Length is 6 bytes short: those 6 bytes belong to no record.
    "warcio/example-trunc.warc": Expect(4, {"response": 1}, damaged_at=2560, digest_problems=1),
    "warcio/example-wget-bad-target-uri.warc.gz": Expect(6, {"response": 1, "resource": 2}, ok_articles=1),
    # Three gzip members, none a whole record: each is skipped as its own damaged region.
    "warcio/example-wrong-chunks.warc.gz": Expect(0, damaged_at=0, damaged_regions=3),
    "warcio/example.arc": Expect(2, {"response": 1}, ok_articles=1),
    "warcio/example.arc.gz": Expect(2, {"response": 1}, ok_articles=1),
    "warcio/example.warc": Expect(6, {"response": 1, "revisit": 1}, ok_articles=1),
    "warcio/example.warc.gz": Expect(6, {"response": 1, "revisit": 1}, ok_articles=1),
    "warcio/post-test.warc.gz": Expect(6, {"response": 3}),
}


def foreign_files() -> list[Path]:
    return sorted(p for p in FOREIGN.rglob("*") if p.is_file() and p.name != "LICENSE" and p.suffix != ".md")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, object]]:
    """Each foreign file rebuilt into its own archive (two files hold the same records)."""
    root = tmp_path_factory.mktemp("foreign")
    out = {}
    for path in foreign_files():
        name = str(path.relative_to(FOREIGN))
        db_path = root / (name.replace("/", "__") + ".db")
        out[name] = (db_path, rebuild([path], db_path, workers=0))
    return out


def test_every_file_has_an_expectation() -> None:
    assert {str(p.relative_to(FOREIGN)) for p in foreign_files()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_file_rebuilds_as_expected(name: str, rebuilt: dict) -> None:
    expect = EXPECTED[name]
    db_path, report = rebuilt[name]
    [outcome] = report.files
    assert outcome.records == expect.records and not outcome.skipped
    assert outcome.read_error_offset == expect.damaged_at
    assert len(outcome.problems) == expect.digest_problems
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT count(*) FROM warc_records").fetchone()[0] == expect.records
    types = dict(db.execute("SELECT record_type, count(*) FROM captures GROUP BY 1").fetchall())
    assert types == expect.captures
    problems = db.execute("SELECT warc_offset, problem FROM ingest_problems").fetchall()
    assert len(problems) == expect.digest_problems + expect.regions
    assert len(outcome.damage) == expect.regions
    assert db.execute("SELECT count(*) FROM warc_damage").fetchone()[0] == expect.regions
    assert sum(p.startswith("digest mismatch") for _, p in problems) == expect.digest_problems
    ok = db.execute("SELECT count(*) FROM articles WHERE status = 'ok'").fetchone()[0]
    assert ok == expect.ok_articles


def _db(rebuilt: dict, name: str) -> sqlite3.Connection:
    return sqlite3.connect(rebuilt[name][0])


def test_chunked_body_is_dechunked_before_extraction(rebuilt: dict) -> None:
    db = _db(rebuilt, "warcio/example-iana.org-chunked.warc")
    title, text = db.execute("SELECT title, text FROM articles").fetchone()
    assert title == "Internet Assigned Numbers Authority" and len(text) > 200
    assert not any(line.strip().isalnum() and len(line.strip()) <= 4 for line in text.splitlines())


@pytest.mark.parametrize("name", ["warcio/example.warc", "warcio/example.warc.gz"])
def test_revisit_points_at_its_original_and_show_gives_its_content(name: str, rebuilt: dict) -> None:
    db = _db(rebuilt, name)
    [(original, digest)] = db.execute(
        "SELECT record_id, payload_digest FROM captures WHERE record_type = 'response'"
    ).fetchall()
    [(refers_to, revisit_digest)] = db.execute(
        "SELECT refers_to, payload_digest FROM captures WHERE record_type = 'revisit'"
    ).fetchall()
    assert refers_to == original and revisit_digest == digest
    shown = show_url(open_archive(rebuilt[name][0], readonly=True), "http://example.com/")
    assert shown["capture_id"] == original and shown["title"] == "Example Domain"
    assert "illustrative examples" in shown["text"]
    assert [c["record_type"] for c in shown["captures"]] == ["response", "revisit"]


def test_revisit_before_its_original_is_resolved_all_the_same(tmp_path: Path) -> None:
    source = FOREIGN / "warcio" / "example.warc.gz"
    raw = source.read_bytes()
    locations = [location for location, _ in iter_records(source)]
    revisit_at = next(i for i, (_, r) in enumerate(iter_records(source)) if r.rec_type == "revisit")
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    first.write_bytes(b"".join(raw[loc.offset : loc.offset + loc.length] for loc in locations[:revisit_at]))
    second.write_bytes(b"".join(raw[loc.offset : loc.offset + loc.length] for loc in locations[revisit_at:]))
    rebuild([first, second], tmp_path / "forward.db", workers=0)
    rebuild([second, first], tmp_path / "backward.db", workers=0)
    forward = open_archive(tmp_path / "forward.db", readonly=True)
    backward = open_archive(tmp_path / "backward.db", readonly=True)
    assert dump_content(backward) == dump_content(forward)
    refers_to = backward.execute("SELECT refers_to FROM captures WHERE record_type = 'revisit'").fetchone()[0]
    assert (
        refers_to
        == backward.execute("SELECT record_id FROM captures WHERE record_type = 'response'").fetchone()[0]
    )


def test_odd_target_uris_are_kept_usable(rebuilt: dict) -> None:
    spaced = _db(rebuilt, "warcio/example-space-in-target-uri.warc.gz")
    assert spaced.execute("SELECT url FROM captures").fetchone()[0] == "file:///example%20with%20spaces.png"
    wget = _db(rebuilt, "warcio/example-wget-bad-target-uri.warc.gz")
    urls = {row[0] for row in wget.execute("SELECT url FROM captures")}
    assert "http://example.com/" in urls and not any(u.startswith("<") for u in urls)
    assert wget.execute("SELECT count(*) FROM warc_records WHERE record_type = 'metadata'").fetchone()[0] == 1


def test_post_requests_and_truncated_bodies(rebuilt: dict) -> None:
    post = _db(rebuilt, "warcio/post-test.warc.gz")
    assert [row[0] for row in post.execute("SELECT DISTINCT method FROM requests")] == ["POST"]
    assert post.execute("SELECT count(*) FROM captures WHERE request_record_id IS NULL").fetchone()[0] == 0
    trunc = _db(rebuilt, "warcio/example-trunc.warc")
    status, error = trunc.execute("SELECT status, error FROM articles").fetchone()
    assert status == "error" and "truncated" in error


def test_rebuilding_all_foreign_files_twice_changes_nothing(tmp_path: Path) -> None:
    files = [p for p in foreign_files() if p.name != "example.warc"]  # same records as example.warc.gz
    db_path = tmp_path / "all.db"
    rebuild(files, db_path, workers=0)
    before = dump_content(open_archive(db_path, readonly=True))
    rebuild(list(reversed(files)), db_path, workers=0)
    assert dump_content(open_archive(db_path, readonly=True)) == before


def test_cli_rebuilds_the_whole_folder_and_exits_3_for_its_damage(tmp_path: Path) -> None:
    files = [str(p) for p in foreign_files()]
    result = cli("rebuild", *files, "--db", str(tmp_path / "cli.db"), "--workers", "2", "--json", check=False)
    assert result.returncode == 3, result.stderr  # built; the damaged files are reported, and cron told
    assert json.loads(result.stdout[result.stdout.index("{") :])["damaged_regions"]
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["files"] == len(files)
    outcomes = {o["file"]: o for o in summary["file_outcomes"]}
    assert outcomes["example-wrong-chunks.warc.gz"]["damaged_at"] == 0
    assert outcomes["post-test.warc.gz"]["records"] == 6 and outcomes["post-test.warc.gz"]["damage"] is None
    assert summary["digest_problems"] == 2
