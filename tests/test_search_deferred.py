"""Search entries written a batch at a time (rebuild, live store) end as entries written one by one do,
through re-extraction within the batch, removal, and a record whose savepoint is rolled back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive.db.article_rows import write_extraction
from archive.db.schema import open_archive
from archive.db.search import index_entries, search
from archive.db.search_index import defer_index_writes, flush_index_writes, stop_deferring_index_writes
from archive.extract.result import Extraction

TEXTS = {
    1: ("海西州民族团结", ["海西州创建全国民族团结进步示范州。", "各族群众共建美好家园。"]),
    2: ("草原文化节", ["那达慕大会在草原上举行。"]),
    3: ("古城新貌", ["古城保护与更新并重。"]),
}


def _capture(db: Database, n: int) -> tuple[str, str]:
    capture_id, url = f"<urn:test:{n}>", f"https://www.56-china.com.cn/show-case-{n}.html"
    db.execute(
        "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
        " VALUES (?, ?, '2024-01-01T00:00:00Z', 'response', 200, 'test.warc.gz', ?)",
        [capture_id, url, n],
    )
    return capture_id, url


def _write(db: Database, n: int, title: str, paragraphs: list[str], status: str = "ok") -> None:
    capture_id, url = f"<urn:test:{n}>", f"https://www.56-china.com.cn/show-case-{n}.html"
    with db.atomic():  # as ingest stores each record: a savepoint of its own
        write_extraction(
            db, capture_id, Extraction(url=url, title=title, paragraphs=paragraphs, status=status)
        )


def _history(db: Database, midway: Callable[[], None] = lambda: None) -> None:
    """Three articles (then ``midway``); the first re-extracted with new text, the third taken out (not
    ok any more), and a fourth record that fails after writing its rows (its savepoint rolled back)."""
    for n in (*TEXTS, 4):
        _capture(db, n)
    for n, (title, paragraphs) in TEXTS.items():
        _write(db, n, title, paragraphs)
    midway()
    _write(db, 1, "海西州新闻", ["柴达木盆地的新故事。"])
    _write(db, 3, "古城新貌", [], status="error")
    with pytest.raises(RuntimeError):
        with db.atomic():
            failing = Extraction(url="https://x/4", title="失败的页面", paragraphs=["不应入库"])
            write_extraction(db, "<urn:test:4>", failing)
            raise RuntimeError("the record fails after its rows were written")


@pytest.mark.parametrize("flush_midway", [False, True])
def test_deferred_entries_equal_entries_written_one_by_one(tmp_path: Path, flush_midway: bool) -> None:
    direct = open_archive(tmp_path / "direct.db")
    _history(direct)

    batched = open_archive(tmp_path / "batched.db")

    def midway() -> None:
        if flush_midway:  # a commit between the first writes and the re-extraction
            flush_index_writes(batched)
            batched.execute("COMMIT")
            batched.execute("BEGIN")
        queued = batched.execute("SELECT count(*) FROM temp.search_pending").fetchone()[0]
        assert queued == (0 if flush_midway else 3)
        assert (index_entries(batched) != []) == flush_midway  # nothing reaches the index before a flush

    batched.execute("BEGIN")
    defer_index_writes(batched)
    _history(batched, midway)
    stop_deferring_index_writes(batched)
    batched.execute("COMMIT")

    assert index_entries(batched) == index_entries(direct) != []
    for db in (direct, batched):
        assert [hit.url for hit in search(db, "柴达木")] == ["https://www.56-china.com.cn/show-case-1.html"]
        assert search(db, "团结") == [] and search(db, "古城") == [] and search(db, "失败") == []
        assert [hit.url for hit in search(db, "草原")] == ["https://www.56-china.com.cn/show-case-2.html"]
    assert batched.execute(
        "SELECT count(*) FROM temp.sqlite_master WHERE name = 'search_pending'"
    ).fetchone() == (0,)
