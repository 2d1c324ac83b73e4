"""The read path on a plain sqlite3 connection answers as the sqlite-utils one does, refuses writes and
newer archives, and loads the search tokenizer and tldextract only when something uses them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import surt

from archive.db.cjk import query_terms
from archive.db.history import url_history
from archive.db.matching import make_snippet
from archive.db.readonly import open_readonly
from archive.db.schema import ArchiveSchemaError, open_archive
from archive.db.search import search
from archive.db.show import find_archived_url, show_url, surt_key
from tests.conftest import REPO
from tests.test_db_search import add_article

TEXT = "海西州被国家民委命名为全国民族团结进步示范州。"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    db = open_archive(path)
    add_article(db, 1, "海西纪事", [TEXT * 3, "ＤＳＣ相机拍摄。"], published="2018-05-18", section="共有家园")
    add_article(db, 2, "团结之花", ["民族团结。" * 40], published="2019-01-02")
    with db.atomic():  # the key ingest stores, which a URL typed in another form is looked up by
        for (url,) in db.execute("SELECT url FROM captures").fetchall():
            db.execute("UPDATE captures SET url_key = ? WHERE url = ?", [surt.surt(url), url])
    db.close()
    return path


def test_the_plain_connection_answers_as_the_sqlite_utils_one(archive: Path) -> None:
    full = open_archive(archive, readonly=True)
    plain = open_readonly(archive)
    assert isinstance(plain, sqlite3.Connection)
    url = "https://www.56-china.com.cn/show-case-1.html"
    for query in ("海西", "团结", "dsc", "民族 示范"):
        assert search(plain, query) == search(full, query)
    assert show_url(plain, url) == show_url(full, url)
    assert url_history(plain, url) == url_history(full, url)
    typed = url.replace("https://www.", "http://WWW.")
    assert find_archived_url(plain, typed) == find_archived_url(full, typed)
    assert find_archived_url(plain, typed).url == url


def test_the_plain_connection_refuses_writes_and_has_the_sql_functions(archive: Path) -> None:
    conn = open_readonly(archive)
    assert conn.execute("SELECT cjk_query('海西')").fetchone() == ('"海西"',)
    assert conn.execute("SELECT cjk_hits(?, '海西')", [TEXT * 2]).fetchone() == (2,)
    assert conn.execute("SELECT cjk_snippet(?, '海西')", [TEXT]).fetchone() == (
        make_snippet(TEXT, query_terms("海西")),
    )
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO crawl_runs (run_id) VALUES ('x')")


def test_an_archive_of_a_newer_version_is_refused_and_left_alone(archive: Path) -> None:
    with sqlite3.connect(archive) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
    before = archive.read_bytes()
    with pytest.raises(ArchiveSchemaError, match="newer than this minzu-archive knows"):
        open_readonly(archive)
    assert archive.read_bytes() == before


LOADS = """
import json, sys
from archive.db.readonly import open_readonly
from archive.db.show import surt_key

conn = open_readonly(sys.argv[1])
steps = {"opened": "archive.db.cjk" in sys.modules}
hits = conn.execute("SELECT cjk_hits('海西州', '海西')").fetchone()[0]
steps["called"] = "archive.db.cjk" in sys.modules
keys = [surt_key(url) for url in sys.argv[2:]]
steps["keyed"] = "tldextract" in sys.modules
extract = sys.modules["surt.handyurl"].tldextract.TLDExtract  # what surt's own public-suffix code reads
steps["asked"] = "tldextract" in sys.modules
print(json.dumps({"steps": steps, "hits": hits, "keys": keys, "real": extract.__module__}))
"""

TYPED_URLS = [
    "HTTP://WWW.56-China.com.cn/show-case-1.html#top",
    "www.56-china.com.cn/专题/民族团结进步.html?b=2&a=1",
    "https://56-china.com.cn:443/a%20b/",
    "http://[::1]:8001/x",
]


def test_search_functions_and_tldextract_load_on_first_use_and_keys_are_surts(archive: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOADS, str(archive), *TYPED_URLS],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    found = json.loads(result.stdout)
    assert found["steps"] == {"opened": False, "called": True, "keyed": False, "asked": True}
    assert found["hits"] == 1
    # This process imported surt with tldextract: the keys are the ones surt gives there.
    assert found["keys"] == [surt_key(url) for url in TYPED_URLS]
    assert found["keys"][0] == surt.surt("http://WWW.56-China.com.cn/show-case-1.html")
    assert found["real"] == "tldextract.tldextract"
