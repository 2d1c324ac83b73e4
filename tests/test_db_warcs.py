"""Small, real WARC files for the database tests, written with warcio (fixed ids and dates).

The HTML follows the page shape described in SITE.md; its tags and class names are a guess, like the
site model's. The helpers are tested here too, so a broken fixture shows up as itself.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import uuid
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.db.search_index import index_entries
from tests.conftest import SHARED

SEED_TEXT = (SHARED / "seed" / "article.txt").read_text(encoding="utf-8")
SEED_GOLD = json.loads((SHARED / "seed" / "article.gold.json").read_text(encoding="utf-8"))
SITE = "https://www.56-china.com.cn"
SEED_URL = f"{SITE}/show-case-1616.html"
SECOND_URL = f"{SITE}/show-case-709.html"
HOME_URL = f"{SITE}/"
MISSING_URL = f"{SITE}/show-case-9999.html"
IMAGE_URL = f"{SITE}/uploads/2018/05/DSC_0742.jpg"
UNCAPTURED_IMAGE_URL = f"{SITE}/uploads/2018/05/g13.jpg"
RUN_ID = "run-2024-01"
# A tiny but real JPEG header; the bytes only need to be stable.
JPEG_BYTES = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")

SECOND_TITLE = "草原上的团结之歌——记一个多民族村庄的变迁"
SECOND_PARAGRAPHS = [
    "春天的草原上,牧民们忙着接羔。村里的蒙古族、藏族、汉族群众相互帮衬,日子越过越红火。",
    "村党支部书记说,团结是村庄最宝贵的财富。近年来,全村修建了新的学校和卫生室。",
    "孩子们在双语课堂上一起读书,老人们在文化广场上一起跳舞,歌声传遍了整个山谷。",
]


def record_id(name: str) -> str:
    """A stable WARC-Record-ID derived from a name, so two builds give the same bytes."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}>"


def seed_sections() -> tuple[list[str], list[str]]:
    """The seed article's body lines and subscription lines (the latter start at 欢迎订阅)."""
    head, _, tail = SEED_TEXT.partition("欢迎订阅《中国民族》杂志")
    body = [line.strip() for line in head.splitlines()[3:] if line.strip()]
    subscription = ["欢迎订阅《中国民族》杂志"] + [line.strip() for line in tail.splitlines() if line.strip()]
    return body, subscription


def article_html(
    title: str, date: str, section: str, body_lines: list[str], subscription: list[str], image_srcs: list[str]
) -> bytes:
    """An article page in the shape SITE.md describes (breadcrumb, headline, date, body, subscription)."""
    paragraphs = []
    sources = iter(image_srcs)
    for line in body_lines:
        if line.endswith(".jpg"):
            paragraphs.append(f'<p style="text-align:center"><img src="{next(sources)}" alt=""></p>')
            paragraphs.append(f"<p>{html.escape(line)}</p>")
        else:
            paragraphs.append(f"<p>\u3000\u3000{html.escape(line)}</p>")
    subscribe = "".join(f"<p>{html.escape(line)}</p>" for line in subscription)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}-中国民族</title></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/list-1.html">示范创建</a> <a href="/list-2.html">关注</a></div>
<div class="position">您现在所在位置:<a href="/">首页</a> &gt; <a href="/list-1.html">{section}</a></div>
<div class="article">
<h1>{html.escape(title)}</h1>
<div class="info">发布日期:{date}</div>
<div class="content">{"".join(paragraphs)}</div>
<div class="subscribe">{subscribe}</div>
</div>
<div class="footer">版权所有 中国民族杂志社</div>
</body></html>"""
    return page.encode("utf-8")


def seed_page() -> bytes:
    body, subscription = seed_sections()
    return article_html(
        SEED_GOLD["title"], "2018-05-18", "示范创建", body, subscription, [UNCAPTURED_IMAGE_URL, IMAGE_URL]
    )


def second_page() -> bytes:
    _, subscription = seed_sections()
    return article_html(SECOND_TITLE, "2016-03-02", "共有家园", SECOND_PARAGRAPHS, subscription, [])


def home_page() -> bytes:
    links = f'<a href="{SEED_URL}">{SEED_GOLD["title"]}</a><a href="{SECOND_URL}">{SECOND_TITLE}</a>'
    return f"<html><head><title>中国民族</title></head><body>{links}</body></html>".encode()


class WarcFileBuilder:
    """Writes one gzip-per-record WARC/1.1 file the way the crawler does: warcinfo first, then
    request/response pairs, every record pointing at the warcinfo."""

    def __init__(self, path: Path, *, run_id: str = RUN_ID, date: str = "2024-01-15T08:00:00Z") -> None:
        self.path = path
        self.run_id = run_id
        self.date = date
        self._fh = path.open("wb")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        self.warcinfo_id = record_id(f"warcinfo:{path.name}")
        fields = {
            "software": "minzu-archive/0.1.0 (warcio/1.8.1)",
            "format": "WARC File Format 1.1",
            "run-id": run_id,
            "spider": "minzu",
            "seeds": json.dumps([HOME_URL]),
            "settings": json.dumps({"DOWNLOAD_DELAY": 1, "ROBOTSTXT_OBEY": True}),
            "hostname": "archiver",
        }
        block = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
        self._write(
            self._writer.create_warc_record(
                "",
                "warcinfo",
                payload=io.BytesIO(block),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Record-ID": self.warcinfo_id,
                    "WARC-Date": date,
                    "WARC-Filename": path.name,
                },
            )
        )

    def _write(self, record) -> None:
        self._writer.write_record(record)

    def exchange(
        self,
        url: str,
        body: bytes,
        *,
        status: str = "200 OK",
        content_type: str = "text/html; charset=utf-8",
        date: str | None = None,
        extra_headers: list[tuple[str, str]] | None = None,
    ) -> str:
        """Write a request and its response; return the response's record id."""
        date = date or self.date
        request_id = record_id(f"request:{url}:{date}")
        response_id = record_id(f"response:{url}:{date}")
        path = url.split(SITE, 1)[-1] or "/"
        request_headers = StatusAndHeaders(
            f"GET {path} HTTP/1.1",
            [("Host", "www.56-china.com.cn"), ("User-Agent", "minzu-archive-test")],
            is_http_request=True,
        )
        self._write(
            self._writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                http_headers=request_headers,
                warc_headers_dict={
                    "WARC-Record-ID": request_id,
                    "WARC-Date": date,
                    "WARC-Warcinfo-ID": self.warcinfo_id,
                },
            )
        )
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        response_headers = StatusAndHeaders(status, headers + (extra_headers or []), protocol="HTTP/1.1")
        self._write(
            self._writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=response_headers,
                warc_headers_dict={
                    "WARC-Record-ID": response_id,
                    "WARC-Date": date,
                    "WARC-IP-Address": "127.0.0.1",
                    "WARC-Concurrent-To": request_id,
                    "WARC-Warcinfo-ID": self.warcinfo_id,
                },
            )
        )
        return response_id

    def run_stats(self, stats: dict) -> None:
        body = json.dumps(stats, sort_keys=True).encode("utf-8")
        self.metadata(f"urn:minzu-archive:run:{self.run_id}", body)

    def metadata(self, uri: str, body: bytes) -> None:
        """A JSON ``metadata`` record about ``uri`` (run stats are one, at the end of a crawl)."""
        self._write(
            self._writer.create_warc_record(
                uri,
                "metadata",
                payload=io.BytesIO(body),
                warc_content_type="application/json",
                warc_headers_dict={
                    "WARC-Record-ID": record_id(f"metadata:{uri}:{len(body)}"),
                    "WARC-Date": self.date,
                    "WARC-Warcinfo-ID": self.warcinfo_id,
                },
            )
        )

    def close(self) -> Path:
        self._fh.close()
        return self.path


def build_site_warcs(directory: Path) -> list[Path]:
    """Two files of one run: the seed article, its image, a 404; then the home page, a second
    article sharing the subscription block, and the run's end-of-crawl stats."""
    first = WarcFileBuilder(directory / "run-00000.warc.gz", date="2024-01-15T08:00:00Z")
    first.exchange(SEED_URL, seed_page(), date="2024-01-15T08:00:01Z")
    first.exchange(IMAGE_URL, JPEG_BYTES, content_type="image/jpeg", date="2024-01-15T08:00:02Z")
    first.exchange(
        MISSING_URL,
        b"<html><body>not found</body></html>",
        status="404 Not Found",
        date="2024-01-15T08:00:03Z",
    )
    second = WarcFileBuilder(directory / "run-00001.warc.gz", date="2024-01-15T08:01:00Z")
    second.exchange(HOME_URL, home_page(), date="2024-01-15T08:01:01Z")
    second.exchange(SECOND_URL, second_page(), date="2024-01-15T08:01:02Z")
    second.run_stats(
        {
            "pages": 3,
            "images": 1,
            "errors": 1,
            "started": "2024-01-15T08:00:00Z",
            "finished": "2024-01-15T08:02:00Z",
        }
    )
    return [first.close(), second.close()]


def test_site_warcs_are_one_gzip_member_per_record(tmp_path: Path) -> None:
    paths = build_site_warcs(tmp_path)
    with paths[0].open("rb") as fh:
        types = [record.rec_type for record in ArchiveIterator(fh)]
    assert types == ["warcinfo", "request", "response", "request", "response", "request", "response"]
    raw = paths[0].read_bytes()
    assert raw.count(b"\x1f\x8b\x08") >= len(types)
    assert gzip.decompress(raw).startswith(b"WARC/1.1")


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = build_site_warcs(tmp_path / "a")
    second = build_site_warcs(tmp_path / "b")
    assert [gzip.decompress(p.read_bytes()) for p in first] == [
        gzip.decompress(p.read_bytes()) for p in second
    ]


def dump_content(db) -> list[str]:
    """Every row of every table, sorted, and then the full-text index's contents (each token by capture,
    column and position; not its segment storage, whose bytes depend on the history of writes): two
    archives with equal content give equal lists whatever order their rows were inserted in."""
    rows = sorted(line for line in db.conn.iterdump() if not line.startswith('INSERT INTO "articles_fts'))
    # The index by capture: its rowid is the article's, an internal number that depends on insertion
    # order (a rebuild reading files in another order numbers them differently).
    return rows + [f"articles_fts {row!r}" for row in index_entries(db)]
