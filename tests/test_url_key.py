"""The SURT keys of captures: surt's own, computed without loading tldextract and requests.

Ingest workers compute a key for every record, and the import those two cost was part of every worker's
start (archive.db.surt_loader). The keys must not change for it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import surt

from archive.db.record_rows import url_key
from tests.conftest import REPO

URLS = [
    "https://www.56-china.com.cn/show-case-1.html",
    "http://WWW.56-China.com.cn:80/a/b/?b=2&a=1#frag",
    "https://www.56-china.com.cn/搜索?q=民族团结",
    "http://中国民族.中国/首页.html",
    "https://user:pw@example.com:8443/x;p?q",
    "http://192.168.0.1/index.html",
    "ftp://example.com/file.txt",
]


def test_keys_are_surts_own() -> None:
    assert [url_key(url) for url in URLS] == [surt.surt(url) for url in URLS]


KEYS_IN_FRESH_PROCESS = """
import json, sys
from archive.db.record_rows import url_key
keys = [url_key(url) for url in json.loads(sys.argv[1])]
print(json.dumps({"keys": keys, "loaded": sorted(m for m in ("tldextract", "requests") if m in sys.modules)}))
"""


def test_keys_in_a_fresh_process_load_neither_tldextract_nor_requests() -> None:
    result = subprocess.run(
        [sys.executable, "-c", KEYS_IN_FRESH_PROCESS, json.dumps(URLS)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    answer = json.loads(result.stdout)
    assert answer["keys"] == [surt.surt(url) for url in URLS]
    assert answer["loaded"] == []
