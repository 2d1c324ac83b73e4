"""Boilerplate learnt from other pages of the same host: pure functions, then the pass over a database."""

from __future__ import annotations

from pathlib import Path

from archive.db.article_rows import write_extraction
from archive.db.schema import open_archive
from archive.extract.result import BoilerplateBlock, Extraction
from archive.extract.site_repeats import KIND, reextract_site, remove_site_repeats, repeated_lines

NOTICE = "本站所载文章仅代表作者观点，转载请注明出处。"
SHARE = "微信 微博 QQ空间 收藏本文"


def _article(n: int, host: str = "example.cn", extra: tuple[str, ...] = (NOTICE, SHARE)) -> Extraction:
    own = [f"第{n}篇文章自己的第一段正文，写的是第{n}件事情。", f"第{n}篇文章自己的第二段正文。"]
    return Extraction(url=f"http://{host}/a/{n}.html", title=f"第{n}篇", paragraphs=[*own, *extra])


def test_lines_on_enough_other_pages_of_the_host_are_repeated() -> None:
    pages = [(a.url, a.paragraphs) for a in map(_article, range(5))]
    pages.append(("http://other.cn/x.html", [NOTICE]))
    found = repeated_lines(pages, min_other_pages=3)
    assert found["example.cn"] == frozenset({NOTICE, SHARE})
    assert found["other.cn"] == frozenset()


def test_copies_of_one_page_count_once() -> None:
    same = _article(1)
    pages = [(same.url, same.paragraphs)] * 5 + [(same.url.replace("/a/", "/old/"), same.paragraphs)]
    assert repeated_lines(pages, min_other_pages=1)["example.cn"] == frozenset()


def test_runs_of_repeated_lines_leave_the_text_as_one_block() -> None:
    cleaned = remove_site_repeats(_article(1), frozenset({NOTICE, SHARE}))
    assert cleaned is not None
    assert cleaned.paragraphs == _article(1).paragraphs[:2]
    assert cleaned.boilerplate == [BoilerplateBlock(KIND, (NOTICE, SHARE))]
    assert cleaned.rules["boilerplate:site-repeat"].startswith("site-repeat:")


def test_short_lines_and_shared_headings_stay() -> None:
    article = Extraction(url="http://example.cn/1.html", paragraphs=["结语", "正文一段，说明情况。"])
    assert remove_site_repeats(article, frozenset({"结语"})) is None
    heading = "完善工作机制 推动创建提质增效"
    article = Extraction(
        url="http://example.cn/1.html",
        paragraphs=[heading, "正文一段，说明情况。"],
        section_headings=[heading],
    )
    assert remove_site_repeats(article, frozenset({heading})) is None


def _store(db, n: int, extraction: Extraction) -> str:
    capture_id = f"<urn:test:{n}>"
    db.execute(
        "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
        " VALUES (?, ?, '2024-01-01T00:00:00Z', 'response', 200, 't.warc.gz', ?)",
        [capture_id, extraction.url, n],
    )
    write_extraction(db, capture_id, extraction)
    return capture_id


def test_reextract_site_is_order_independent_and_idempotent(tmp_path: Path) -> None:
    results = []
    for order in (range(6), reversed(range(6))):
        db = open_archive(tmp_path / f"{len(results)}.db")
        for n in order:
            _store(db, n, _article(n))
        changed = reextract_site(db)
        results.append({key: (value.paragraphs, value.boilerplate) for key, value in changed.items()})
        for capture_id, extraction in changed.items():
            write_extraction(db, capture_id, extraction)
        assert reextract_site(db) == {}  # a second pass finds nothing more to move
    assert results[0] == results[1]
    assert len(results[0]) == 6
    paragraphs, blocks = results[0]["<urn:test:2>"]
    assert NOTICE not in paragraphs and blocks == [BoilerplateBlock(KIND, (NOTICE, SHARE))]
