"""Boilerplate learnt from other pages of the same host: pure functions, then the pass over a database."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from archive.db.article_rows import write_extraction
from archive.db.schema import open_archive
from archive.db.search_index import index_entries
from archive.db.site_pass import apply_site_repeats, reextract_site
from archive.extract.result import BoilerplateBlock, Extraction
from archive.extract.site_repeats import KIND, remove_site_repeats, repeated_lines

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
        results.append(
            {key: (u.extraction.paragraphs, u.extraction.boilerplate) for key, u in changed.items()}
        )
        assert apply_site_repeats(db) == 6
        assert reextract_site(db) == {}  # a second pass finds nothing more to move
    assert results[0] == results[1]
    assert len(results[0]) == 6
    paragraphs, blocks = results[0]["<urn:test:2>"]
    assert NOTICE not in paragraphs and blocks == [BoilerplateBlock(KIND, (NOTICE, SHARE))]


def dump_everything(db) -> list[str]:
    """Every row of every table, the full-text index's rows included (not its segment storage)."""
    rows = [line for line in db.conn.iterdump() if not line.startswith('INSERT INTO "articles_fts')]
    return sorted(rows) + [repr(row) for row in index_entries(db)]


LATER = "扫码关注中国民族杂志官方微信公众号"  # repeated only once the second batch is in


def _two_batch_pages() -> tuple[list[Extraction], list[Extraction]]:
    """Five pages with NOTICE, two of them followed by LATER, which four more pages of the second batch
    repeat; one page of the second batch is an alias (same text, other URL) of one of the first."""

    def page(n: int, *extra: str, url: str | None = None) -> Extraction:
        article = _article(n, extra=extra)
        subscription = BoilerplateBlock("subscription", ("欢迎订阅《中国民族》杂志", "邮发代号：2-123"))
        return dataclasses.replace(
            article,
            url=url or article.url,
            paragraphs=[article.paragraphs[0], *extra, article.paragraphs[1]],
            section_headings=[LATER] if n == 1 else [],
            boilerplate=[subscription],
        )

    first = [
        page(0, NOTICE, LATER),
        page(1, NOTICE, LATER),
        page(2, NOTICE),
        page(3, NOTICE),
        page(4, NOTICE),
    ]
    second = [
        page(5, LATER),
        page(6, LATER),
        page(7, LATER),
        page(2, NOTICE, url="http://example.cn/old/2.html"),
    ]
    return first, second


def test_pass_after_each_batch_equals_one_pass_over_all_pages(tmp_path: Path) -> None:
    """The pass is a function of the raw extractions: a line moved by an earlier pass still joins its
    neighbour that becomes repeated later, and moved lines never change a page's text for the alias
    check; the full-text rows are the same too."""
    first, second = _two_batch_pages()
    batched = open_archive(tmp_path / "batched.db")
    for n, extraction in enumerate(first):
        _store(batched, n, extraction)
    apply_site_repeats(batched)
    for n, extraction in enumerate(second, start=len(first)):
        _store(batched, n, extraction)
    apply_site_repeats(batched)

    at_once = open_archive(tmp_path / "at_once.db")
    for n, extraction in enumerate([*first, *second]):
        _store(at_once, n, extraction)
    apply_site_repeats(at_once)

    assert dump_everything(batched) == dump_everything(at_once)
    text, raw = at_once.execute(
        "SELECT text, raw_extraction FROM articles WHERE capture_id = '<urn:test:0>'"
    ).fetchone()
    assert NOTICE not in text and LATER not in text and json.loads(raw)["paragraphs"][1:3] == [NOTICE, LATER]
    blocks = at_once.execute(
        "SELECT b.kind, b.text FROM boilerplate_occurrences o JOIN boilerplate_blocks b USING (block_id) "
        "WHERE o.capture_id = '<urn:test:0>' ORDER BY o.position"
    ).fetchall()
    assert blocks == [
        ("subscription", "欢迎订阅《中国民族》杂志\n邮发代号：2-123"),
        (KIND, f"{NOTICE}\n{LATER}"),
    ]


def test_reingesting_a_cleaned_page_and_passing_again_changes_nothing(tmp_path: Path) -> None:
    first, second = _two_batch_pages()
    db = open_archive(tmp_path / "a.db")
    pages = [*first, *second]
    for n, extraction in enumerate(pages):
        _store(db, n, extraction)
    apply_site_repeats(db)
    before = dump_everything(db)
    write_extraction(db, "<urn:test:0>", pages[0])  # what ingest writes when the record comes again
    assert NOTICE in db.execute("SELECT text FROM articles WHERE capture_id = '<urn:test:0>'").fetchone()[0]
    assert apply_site_repeats(db) == 1
    assert dump_everything(db) == before
    assert apply_site_repeats(db) == 0


def test_unlinked_blocks_are_deleted_and_extractor_labels_win(tmp_path: Path) -> None:
    first, second = _two_batch_pages()
    db = open_archive(tmp_path / "a.db")
    for n, extraction in enumerate(first):
        _store(db, n, extraction)
    apply_site_repeats(db)
    assert db.execute("SELECT count(*) FROM boilerplate_blocks WHERE text = ?", [NOTICE]).fetchone()[0] == 1
    for n, extraction in enumerate(second, start=len(first)):
        _store(db, n, extraction)
    apply_site_repeats(db)
    # A label an extractor gives replaces the pass's, which sorts first ("site-repeat" < "subscription").
    labelled = dataclasses.replace(
        _article(9, extra=()), boilerplate=[BoilerplateBlock("subscription", (NOTICE,))]
    )
    _store(db, 99, labelled)
    assert db.execute("SELECT kind FROM boilerplate_blocks WHERE text = ?", [NOTICE]).fetchone() == (
        "subscription",
    )
    _store(db, 98, dataclasses.replace(labelled, url="http://example.cn/a/98.html", boilerplate=[]))
    orphan = BoilerplateBlock(KIND, ("一行早已不再重复的文字，只留在旧的块里",))
    write_extraction(db, "<urn:test:98>", dataclasses.replace(labelled, boilerplate=[orphan]))
    write_extraction(db, "<urn:test:98>", dataclasses.replace(labelled, boilerplate=[]))
    apply_site_repeats(db)
    assert (
        db.execute("SELECT count(*) FROM boilerplate_blocks WHERE text = ?", [orphan.text]).fetchone()[0] == 0
    )


def _in_memory_pass(db) -> dict:
    """The pure pass over every stored page read into memory: the reference the streamed pass must equal."""
    from archive.extract.site_repeats import StoredPage, site_pass

    def grouped(sql: str) -> dict:
        rows: dict = {}
        for row in db.query(sql):
            rows.setdefault(row["capture_id"], []).append(row)
        return rows

    blocks = grouped(
        "SELECT o.capture_id, o.position, b.kind, b.text FROM boilerplate_occurrences o "
        "JOIN boilerplate_blocks b ON b.block_id = o.block_id ORDER BY o.capture_id, o.position"
    )
    images = grouped("SELECT * FROM images ORDER BY capture_id, position")
    links = grouped("SELECT * FROM links ORDER BY capture_id, position")
    pages = (
        StoredPage(
            row,
            images.get(row["capture_id"], []),
            links.get(row["capture_id"], []),
            blocks.get(row["capture_id"], []),
        )
        for row in db.query("SELECT * FROM articles ORDER BY capture_id")
    )
    return site_pass(pages)


def test_streamed_pass_in_small_chunks_equals_the_pass_over_all_pages_in_memory(
    tmp_path: Path, monkeypatch
) -> None:
    """Hosts of their own, re-captures, alias URLs, pages that are not articles, a page cleaned by a pass
    older than raw_extraction, and chunk boundaries everywhere: the streamed pass decides as the pure one."""
    import random

    from archive.db import site_pass
    from archive.extract.result import ImageRef, LinkRef

    rng = random.Random(7)
    chrome = {
        host: [f"{host} 版权所有 第{i}行 转载请注明出处" for i in range(4)]
        for host in ("a.cn", "b.org", "c.com")
    }
    db = open_archive(tmp_path / "a.db")
    n = 0
    for page in range(240):
        host = rng.choice(list(chrome))
        own = [f"{host}第{page}篇的第{k}段正文，内容各不相同。" for k in range(rng.randint(1, 4))]
        extra = rng.sample(chrome[host], rng.randint(0, 3)) if rng.random() < 0.7 else []
        paragraphs = [*own[:1], *extra, *own[1:]]
        extraction = Extraction(
            url=f"http://{host}/p/{page}.html",
            title=f"第{page}篇",
            status="ok" if rng.random() < 0.9 else "not-article",
            paragraphs=paragraphs,
            images=[ImageRef(f"http://{host}/i/{page}.jpg", "图", "")],
            links=[LinkRef(f"http://{host}/p/{page + 1}.html", "下一篇", "")],
        )
        for _ in range(rng.choice((1, 1, 2))):  # some pages captured twice
            _store(db, n, extraction)
            n += 1
        if rng.random() < 0.05:  # an alias: same text under another URL
            _store(db, n, dataclasses.replace(extraction, url=extraction.url.replace("/p/", "/alias/")))
            n += 1
    legacy = dataclasses.replace(
        _article(999, host="a.cn", extra=()),
        boilerplate=[BoilerplateBlock(KIND, (chrome["a.cn"][0],))],
        rules={"boilerplate:site-repeat": "site-repeat:>3-other-pages"},
    )
    _store(db, n, legacy)

    expected = _in_memory_pass(db)
    assert len(expected) > 50  # the pass has work to do here
    monkeypatch.setattr(site_pass, "CHUNK", 7)
    assert reextract_site(db) == expected
    assert apply_site_repeats(db) == len(expected)
    assert reextract_site(db) == {} == _in_memory_pass(db)
