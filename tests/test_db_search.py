"""Chinese full-text search: tokens, phrase building, and equality with a plain substring scan."""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive.db.article_rows import write_extraction
from archive.db.cjk import (
    BOUNDARY,
    index_text,
    index_tokens,
    is_cjk,
    match_expression,
    normalized,
    query_terms,
    shadow_text,
    tokenize,
)
from archive.db.ingest import ingest_warc_file
from archive.db.schema import open_archive
from archive.db.search import (
    INDEX_SCHEME,
    count_matches,
    index_article,
    index_entries,
    index_scheme,
    make_snippet,
    search,
)
from archive.extract.result import Extraction
from tests.test_db_warcs import (
    SECOND_PARAGRAPHS,
    SECOND_TITLE,
    SECOND_URL,
    SEED_GOLD,
    SEED_URL,
    build_site_warcs,
)

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def add_article(db: Database, n: int, title: str, paragraphs: list[str], **fields: str) -> str:
    """A capture row plus an ``ok`` article through the same writer ingest uses."""
    capture_id = f"<urn:test:{n}>"
    url = f"https://www.56-china.com.cn/show-case-{n}.html"
    with db.atomic():
        db.execute(
            "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
            " VALUES (?, ?, ?, 'response', 200, 'test.warc.gz', ?)",
            [capture_id, url, f"2024-01-01T00:00:{n % 60:02d}Z", n],
        )
        write_extraction(db, capture_id, Extraction(url=url, title=title, paragraphs=paragraphs, **fields))
    return url


def test_shadow_text_splits_cjk_and_keeps_words_whole() -> None:
    assert shadow_text("海西州2017年DSC_0742") == f"海 西 州 2017 年 dsc {BOUNDARY} 0742"
    assert shadow_text("创建,永远") == f"创 建 {BOUNDARY} 永 远"
    assert shadow_text("２０１８年ＡＢＣ") == "2018 年 abc"  # full-width forms fold to ASCII
    assert shadow_text(" 《海西》 ") == "海 西"


def test_index_text_pairs_cjk_characters() -> None:
    # Each CJK character starts a token: its pair with the next CJK character, else itself.
    assert index_text("海西州2017年DSC_0742") == f"海西 西州 州 2017 年 dsc {BOUNDARY} 0742"
    assert index_text("创建,永远") == f"创建 建 {BOUNDARY} 永远 远"
    assert index_text("２０１８年ＡＢＣ") == "2018 年 abc"
    assert index_text(" 《海西》 ") == "海西 西"


def test_match_expression_builds_quoted_phrases() -> None:
    assert match_expression("海西") == '"海西"'
    assert match_expression("海西  民族") == '"海西" AND "民族"'
    assert match_expression("民族团结") == '"民族 族团 团结"'
    # A phrase ending in one CJK character: any token starting with it (the character or its pair).
    assert match_expression("的") == '"的" *'
    assert match_expression("2018年") == '"2018 年" *'
    # Inside a term, a CJK run followed by more must end its run in the text too.
    assert match_expression('"海西 州"') == f'"海西 西 {BOUNDARY} 州" *'
    assert match_expression("海西2017") == '"海西 西 2017"'
    assert match_expression("《》 ,,") == ""


def test_snippet_highlights_matches_in_the_original_text() -> None:
    text = "前言。" + "无关" * 30 + "海西州被国家民委命名,海西好。"
    snippet = make_snippet(text, query_terms("海西"))
    assert "【海西】州被国家民委" in snippet and "【海西】好" in snippet
    assert snippet.startswith("…")


@pytest.fixture()
def corpus(tmp_path: Path) -> Database:
    db = open_archive(tmp_path / "search.db")
    paragraphs = SEED_GOLD["body_paragraphs"]
    for n, start in enumerate(range(0, len(paragraphs), 2)):
        add_article(db, 100 + n, f"第{n}篇", paragraphs[start : start + 2], section="示范创建")
    add_article(db, 200, SECOND_TITLE, SECOND_PARAGRAPHS, section="共有家园", published="2016-03-02")
    add_article(db, 201, SEED_GOLD["title"], ["短文。"], section="示范创建", published="2018-05-18")
    return db


def substring_scan(db: Database, query: str) -> set[str]:
    rows = db.execute("SELECT url, title, text FROM articles WHERE status = 'ok'").fetchall()
    return {url for url, title, text in rows if query in (title or "") or query in (text or "")}


def search_urls(db: Database, query: str) -> set[str]:
    return {hit.url for hit in search(db, query, limit=1000)}


def test_search_equals_substring_scan_for_short_cjk_queries(corpus: Database) -> None:
    texts = [row[0] + "\n" + row[1] for row in corpus.execute("SELECT title, text FROM articles").fetchall()]
    runs = [run for text in texts for run in CJK_RUN.findall(text) if len(run) >= 2]
    chars = sorted({char for run in runs for char in run})
    rng = random.Random(2018)
    queries = set()
    for _ in range(300):  # substrings that occur
        run = rng.choice(runs)
        size = rng.randint(2, min(4, len(run)))
        start = rng.randrange(len(run) - size + 1)
        queries.add(run[start : start + size])
    for _ in range(200):  # character combinations that mostly do not
        queries.add("".join(rng.choice(chars) for _ in range(rng.randint(2, 4))))
    for text in texts:  # pairs that are adjacent only across punctuation: must not match
        for match in re.finditer(r"([\u4e00-\u9fff])[,。、;:]([\u4e00-\u9fff])", text):
            queries.add(match.group(1) + match.group(2))
    found_some = 0
    for query in sorted(queries):
        expected = substring_scan(corpus, query)
        assert search_urls(corpus, query) == expected, query
        found_some += bool(expected)
    assert found_some > 250 and len(queries) - found_some > 50


def test_two_character_query_finds_the_seed_article(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    for path in build_site_warcs(tmp_path):
        ingest_warc_file(db, path)
    hits = search(db, "海西")
    assert hits[0].url == SEED_URL
    assert SECOND_URL not in {hit.url for hit in hits}
    hit = hits[0]
    assert hit.title == SEED_GOLD["title"] and hit.published == "2018-05-18" and hit.section == "示范创建"
    assert "【海西】" in hit.snippet and hit.score > 0


def test_filters_and_ranking(corpus: Database) -> None:
    assert {hit.url for hit in search(corpus, "团结", section="共有家园")} == {
        "https://www.56-china.com.cn/show-case-200.html"
    }
    assert [hit.url for hit in search(corpus, "创建", since="2018", until="2018-05-18")] == [
        "https://www.56-china.com.cn/show-case-201.html"
    ]
    assert search(corpus, "创建", until="2017") == []
    # A title match outranks body matches.
    assert search(corpus, "永远在路上")[0].url.endswith("show-case-201.html")
    assert len(search(corpus, "民族", limit=3)) == 3


def test_all_terms_are_required(corpus: Database) -> None:
    both = search_urls(corpus, "草原 学校")
    assert both == {"https://www.56-china.com.cn/show-case-200.html"}
    assert search_urls(corpus, "草原 海西州") == set()


def test_sql_clients_can_use_cjk_query(corpus: Database) -> None:
    rows = corpus.execute(
        "SELECT a.url FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH cjk_query(?)",
        ["牧民"],
    ).fetchall()
    assert rows == [("https://www.56-china.com.cn/show-case-200.html",)]


def test_reextracted_article_replaces_its_index_entry(corpus: Database) -> None:
    url = "https://www.56-china.com.cn/show-case-200.html"
    write_extraction(corpus, "<urn:test:200>", Extraction(url=url, title="新标题", paragraphs=["骆驼与戈壁"]))
    assert search_urls(corpus, "骆驼") == {url}
    assert url not in search_urls(corpus, "牧民")
    write_extraction(corpus, "<urn:test:200>", Extraction(url=url, status="not-article"))
    assert search_urls(corpus, "骆驼") == set()


def test_cjk_query_of_nothing_searchable_is_a_valid_expression(corpus: Database) -> None:
    for query in ("", "   ", "，。！", "“”"):
        assert corpus.execute("SELECT cjk_query(?)", [query]).fetchone() == ('""',)
        sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH cjk_query(?)"
        assert corpus.execute(sql, [query]).fetchone() == (0,)
    assert corpus.execute("SELECT cjk_query(NULL)").fetchone() == ('""',)


def test_chinese_quotes_and_corner_brackets_make_phrases() -> None:
    phrase = [["海", "西", BOUNDARY, "州"]]
    assert query_terms('"海西 州"') == phrase
    assert query_terms("“海西 州”") == phrase
    assert query_terms("「海西 州」") == phrase
    assert query_terms("『海西 州』 民族") == [*phrase, ["民", "族"]]


def test_hangul_syllables_are_tokens_like_han(tmp_path: Path) -> None:
    assert shadow_text("중국민족 잡지") == f"중 국 민 족 {BOUNDARY} 잡 지"
    db = open_archive(tmp_path / "ko.db")
    db.execute(
        "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
        " VALUES ('<urn:ko>', 'https://www.56-china.com.cn/ko/1.html', '2024-01-01T00:00:00Z',"
        " 'response', 200, 'k.warc.gz', 0)"
    )
    text = "중국민족의 단결을 위하여 모든 민족이 함께 노력하고 있다. " * 5
    write_extraction(
        db,
        "<urn:ko>",
        Extraction(
            url="https://www.56-china.com.cn/ko/1.html",
            title="민족단결",
            published="2020-01-01",
            paragraphs=[text],
        ),
    )
    assert [hit.capture_id for hit in search(db, "민족")] == ["<urn:ko>"]  # inside 중국민족의 and 민족이


def test_an_archive_indexed_before_hangul_tokens_is_reindexed(tmp_path: Path) -> None:
    from archive.db.migrations import migrate
    from archive.db.schema import REGISTRY

    path = tmp_path / "old.db"
    old = Database(path)
    migrate(old, [m for m in REGISTRY.ordered() if m.version < 8])
    old.execute(
        "INSERT INTO articles (capture_id, url, status, title, text) VALUES ('<urn:ko>', 'u', 'ok', 't', ?)",
        ["중국민족의 단결"],
    )
    rowid = old.execute("SELECT rowid FROM articles").fetchone()[0]
    old.execute(  # as the old tokenizer indexed it: one token per run of Hangul
        "INSERT INTO articles_fts (rowid, capture_id, title, text) VALUES (?, '<urn:ko>', 't', ?)",
        [rowid, "중국민족의 단결"],
    )
    old.conn.commit()
    old.close()
    db = open_archive(path)
    rows = db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH cjk_query('민족')").fetchall()
    assert rows == [(rowid,)]  # inside 중국민족의: a syllable pair of the index since migration 20


def test_the_pre_pair_index_is_migrated_in_place(tmp_path: Path) -> None:
    from archive.db.migrations import migrate
    from archive.db.schema import REGISTRY

    path = tmp_path / "old.db"
    old = Database(path)
    migrate(old, [m for m in REGISTRY.ordered() if m.version < 20])
    old.execute(
        "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename, warc_offset)"
        " VALUES ('<urn:old>', 'https://www.56-china.com.cn/show-case-1.html', '2024-01-01T00:00:00Z',"
        " 'response', 200, 'old.warc.gz', 0)"
    )
    text = "海西州被国家民委命名为全国民族团结进步示范州。" * 5
    old.execute(
        "INSERT INTO articles (capture_id, url, status, title, published, text) VALUES"
        " ('<urn:old>', 'https://www.56-china.com.cn/show-case-1.html', 'ok', '海西纪事', '2020-01-01', ?)",
        [text],
    )
    rowid = old.execute("SELECT rowid FROM articles").fetchone()[0]
    old.execute(  # as the index of characters held it, text stored in the table
        "INSERT INTO articles_fts (rowid, capture_id, title, text) VALUES (?, '<urn:old>', ?, ?)",
        [rowid, shadow_text("海西纪事"), shadow_text(text)],
    )
    old.conn.commit()
    old.close()
    db = open_archive(path)
    assert [hit.capture_id for hit in search(db, "海西")] == ["<urn:old>"]
    assert [hit.capture_id for hit in search(db, "的")] == []
    assert [hit.capture_id for hit in search(db, "州")] == ["<urn:old>"]
    assert db.execute("SELECT title, text FROM articles_fts").fetchall() == [(None, None)]  # contentless
    assert db.execute("SELECT capture_id, page_kind FROM search_docs").fetchall() == [
        ("<urn:old>", "article")
    ]


def test_single_characters_and_long_phrases_equal_a_substring_scan(corpus: Database) -> None:
    texts = [row[0] + "\n" + row[1] for row in corpus.execute("SELECT title, text FROM articles").fetchall()]
    runs = [run for text in texts for run in CJK_RUN.findall(text) if len(run) >= 8]
    rng = random.Random(56)
    queries = set(rng.sample(sorted({char for run in runs for char in run}), 60))  # one character
    for _ in range(80):  # five to eight characters, some across punctuation (quoted: one phrase)
        run = rng.choice(runs)
        size = rng.randint(5, 8)
        start = rng.randrange(len(run) - size + 1)
        queries.add(run[start : start + size])
    queries |= {"了", "的", "民", "族"}
    for query in sorted(queries):
        assert search_urls(corpus, query) == substring_scan(corpus, query), query
        assert count_matches(corpus, query) == len(substring_scan(corpus, query)), query


def _pairs_of(tokens: list[str]) -> list[str]:
    """The index tokens from one-per-character tokens: each CJK character with the next CJK one."""
    paired = []
    for i, token in enumerate(tokens):
        if len(token) == 1 and is_cjk(token):
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            paired.append(token + following if len(following) == 1 and is_cjk(following) else token)
        else:
            paired.append(token)
    return paired


def test_index_text_follows_the_token_rules_for_any_text() -> None:
    # Against tokenize(), which walks character by character (no composing sequences here: tokenize
    # normalizes each character alone, the index whole texts).
    alphabet = [
        *"海西州的民族团结abcDSC0123２Ａｂ，。、 _-…—《》“”・〇々①⽂中국민",
        "\ue000",
        "\u3000",
        "\u00a0",
        "\t",
        "\n",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        expected = _pairs_of([token.text for token in tokenize(text)])
        assert index_text(text) == " ".join(expected), repr(text)


def test_characters_left_unnormalized_tokenize_as_if_normalized() -> None:
    # A text made only of these skips NFKC (it is the costliest step of indexing): each must give the
    # same tokens with it as without it, next to CJK and Latin neighbours alike.
    import unicodedata

    from archive.db.cjk import _NEEDS_NFKC, _pieces

    plain = [chr(code) for code in range(0x30000) if not _NEEDS_NFKC.search(chr(code))]
    assert len(plain) > 20_000 and "，" in plain and "Ａ" not in plain and "⽂" not in plain
    for char in plain:
        text = f"a{char}b海{char}西1{char}"
        assert _pieces(text.casefold()) == _pieces(unicodedata.normalize("NFKC", text).casefold()), hex(
            ord(char)
        )


def fts_tokens(db: Database, capture_id: str) -> list[tuple[str, int, str]]:
    """What the contentless index holds for one capture: (column, position, token)."""
    return [entry[1:] for entry in index_entries(db) if entry[0] == capture_id]


def expected_tokens(title: str, text: str) -> list[tuple[str, int, str]]:
    by_column = {"title": index_tokens(title), "text": index_tokens(text)}
    return sorted(
        (column, i, token) for column, tokens in by_column.items() for i, token in enumerate(tokens)
    )


def test_a_rewritten_article_leaves_nothing_of_its_old_text_in_the_index(corpus: Database) -> None:
    capture_id = "<urn:test:200>"
    url = "https://www.56-china.com.cn/show-case-200.html"
    for title, paragraphs in (
        ("新标题", ["骆驼与戈壁。"]),
        ("再换", ["牧民的草原。", "第二段"]),
        ("再换", ["牧民的草原。", "第二段"]),
    ):
        write_extraction(corpus, capture_id, Extraction(url=url, title=title, paragraphs=paragraphs))
        assert fts_tokens(corpus, capture_id) == expected_tokens(title, "\n".join(paragraphs))
        assert corpus.execute("SELECT count(*) FROM search_stale").fetchone() == (0,)
    assert search_urls(corpus, "骆驼") == set() and url in search_urls(corpus, "牧民")
    titles = corpus.execute(
        "SELECT count(*) FROM articles_fts_titles WHERE articles_fts_titles MATCH cjk_query('再换')"
    ).fetchone()
    assert titles == (1,)


def test_an_article_changed_behind_the_index_is_indexed_right_when_next_stored(corpus: Database) -> None:
    # A writer that updates the row itself (twice) leaves what the index holds in search_stale, so the
    # next index_article can take the old entry out: a contentless index needs its exact tokens.
    capture_id = "<urn:test:200>"
    with corpus.atomic():
        corpus.execute("UPDATE articles SET text = '第一次改动' WHERE capture_id = ?", [capture_id])
        corpus.execute("UPDATE articles SET text = '骆驼与戈壁' WHERE capture_id = ?", [capture_id])
    assert corpus.execute("SELECT count(*) FROM search_stale").fetchone() == (1,)
    index_article(corpus, capture_id, SECOND_TITLE, "骆驼与戈壁")
    assert fts_tokens(corpus, capture_id) == expected_tokens(SECOND_TITLE, "骆驼与戈壁")
    assert corpus.execute("SELECT count(*) FROM search_stale").fetchone() == (0,)
    corpus.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_an_index_built_under_another_scheme_is_rebuilt_on_open(corpus: Database, tmp_path: Path) -> None:
    path = Path(corpus.conn.execute("PRAGMA database_list").fetchone()[2])
    before = search_urls(corpus, "团结")
    corpus.execute("UPDATE search_meta SET value = 'pairs-0 unicode-1.0' WHERE key = 'scheme'")
    corpus.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")  # as if other tokens
    corpus.conn.commit()
    corpus.close()
    db = open_archive(path)
    assert index_scheme(db) == INDEX_SCHEME
    assert search_urls(db, "团结") == before != set()


def test_a_broad_query_ranks_the_newest_matches_and_every_title_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    search_module = sys.modules["archive.db.search"]
    monkeypatch.setattr(search_module, "SCAN_WINDOW", 3)
    db = open_archive(tmp_path / "w.db")
    add_article(db, 1, "民族文化的传承", ["一篇讲民族的旧文章。" * 20], published="2010-01-01")
    for n in range(2, 12):  # ten later articles that mention it in the text only, more often
        add_article(db, n, f"第{n}篇", ["民族团结。" * (n + 30)], published=f"2020-01-{n:02d}")
    hits = search(db, "民族", limit=3)
    assert hits[0].url.endswith("show-case-1.html")  # beyond the newest three, found by its title
    # The rest: of the newest three (the window), those that say it most.
    assert [hit.url.rsplit("-", 1)[1] for hit in hits[1:]] == ["11.html", "10.html"]
    assert count_matches(db, "民族") == 11  # recall is not bounded by the window...
    assert len(search(db, "民族", limit=20)) == 11  # ...nor by what is asked for: the window grows


def test_the_newest_matching_capture_is_found_beyond_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules["archive.db.search"], "SCAN_WINDOW", 2)
    db = open_archive(tmp_path / "v.db")
    url = "https://www.56-china.com.cn/show-case-7.html"

    def capture(capture_id: str, fetched_at: str, paragraphs: list[str]) -> None:
        with db.atomic():
            db.execute(
                "INSERT INTO captures (record_id, url, fetched_at, record_type, status, warc_filename,"
                " warc_offset) VALUES (?, ?, ?, 'response', 200, 'v.warc.gz', 0)",
                [capture_id, url, fetched_at],
            )
            write_extraction(db, capture_id, Extraction(url=url, title="海西", paragraphs=paragraphs))

    capture("<urn:new>", "2025-01-01T00:00:00Z", ["新版:海西。"])  # stored first: the lowest rowid
    add_article(db, 20, "其他", ["海西。"])
    capture("<urn:old>", "2020-01-01T00:00:00Z", ["旧版:海西。"])  # in the window, but not the newest
    [hit] = [hit for hit in search(db, "海西") if hit.url == url]
    assert hit.capture_id == "<urn:new>" and "新版" in hit.snippet


@pytest.mark.parametrize("few", [0, 10_000])
def test_filtered_search_gives_the_same_hits_either_way_round(
    corpus: Database, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    # FEW_FILTERED 0: candidates from the index's matches; 10,000: from the rows passing the filters.
    monkeypatch.setattr(sys.modules["archive.db.search"], "FEW_FILTERED", few)
    assert {hit.url for hit in search(corpus, "团结", section="共有家园")} == {
        "https://www.56-china.com.cn/show-case-200.html"
    }
    assert [hit.url for hit in search(corpus, "创建", since="2018", until="2018-05-18")] == [
        "https://www.56-china.com.cn/show-case-201.html"
    ]
    assert [hit.url for hit in search(corpus, "创建", since="2018-05-18", until="2018")] == [
        "https://www.56-china.com.cn/show-case-201.html"
    ]
    assert search(corpus, "创建", until="2017") == search(corpus, "创建", since="2018-05-19") == []
    dated = {hit.url for hit in search(corpus, "民族", since="2016", limit=100)}
    assert dated == {url for url in search_urls(corpus, "民族") if url.endswith(("200.html", "201.html"))}


def test_compatibility_characters_are_normalized_in_their_own_line_and_index_as_in_full_nfkc() -> None:
    """A "②" or "Ⅱ" in one line costs that line's NFKC, not the article's; the index tokens are those of
    the whole text normalized, and the other lines are read as they are (case folded)."""
    text = "第一行，民族团结…ABC\n②\u3000各族人民Ⅱ\nﬁsh 与 ＡＢＣ 团结\n最后一行。"
    lines = normalized(text).split("\n")
    assert lines[0] == "第一行，民族团结…abc"  # nothing in it needs NFKC: "…" and "，" stay
    assert lines[1] == unicodedata.normalize("NFKC", "②\u3000各族人民Ⅱ").casefold() == "2 各族人民ii"
    assert lines[2] == "fish 与 abc 团结" and lines[3] == "最后一行。"
    assert index_text(text) == index_text(unicodedata.normalize("NFKC", text))
    assert "ii" in index_tokens(text) and "fish" in index_tokens(text) and "abc" in index_tokens(text)
