"""Joining a page's link addresses: cached per site, and always what urljoin gives."""

from __future__ import annotations

import pickle
from urllib.parse import urljoin

import pytest
from lxml import html

from archive.extract import extract_page
from archive.extract.links import _join, collect_links, join_base

BASES = [
    "http://news.example/2018/05/page-3.html",
    "https://www.56-china.com.cn/show-case-5-1.html?x=1#top",
    "http://h.example/a/b/c;p?q=1",
    "https://h.example",
    "http://user@h.example:8080/dir/",
    "http://例子.测试/中/文.html",
    "ftp://files.example/pub/",  # not http: every address joined against the page itself
]
ADDRESSES = [
    "/",
    "/a/../b",
    "/./x",
    "/a?",
    "/#",
    "/;p",
    "/ä/中文",
    "/%2e%2e/x",
    "//",
    "///x",
    "//?x",
    "//#f",
    "//h/x?",
    "//h:80",
    "//a@b/c",
    "http://",
    "http://?x",
    "http:",
    "http:x",
    "https://a",
    "HTTP://A/B",
    "http://h/a;p?q#f",
    "ftp://x/y",
    "h://x",
    "http://例子.测试/路径",
    "//[::1/x",
    "http://[::1/x",  # malformed hosts: urljoin refuses them
    "/\tx",
    "/\n/?x",
    "//h\t/x",
    "http://\t?x",  # tabs and line breaks, which urljoin deletes first
    "?q",
    "#f",
    "a/b",
    "../c",
    ".",
    "..",
    "\x01/a",
]


def _outcome(join, raw: str) -> tuple[str, str | None]:
    try:
        return "joined", join(raw)
    except ValueError:
        return "refused", None


@pytest.mark.parametrize("base", BASES)
def test_join_equals_urljoin_for_every_kind_of_address(base: str) -> None:
    join = join_base(base)
    for raw in ADDRESSES:
        assert _outcome(join, raw) == _outcome(lambda r: urljoin(base, r), raw), (base, raw)


def test_pages_of_one_site_share_the_joins_of_their_menus() -> None:
    _join.cache_clear()
    menu = '<a href="/channel/1.html">栏目</a><a href="https://other.example/x">友情链接</a><a href="next.html">下一页</a>'
    for page in ("http://news.example/a/1.html", "http://news.example/b/2.html"):
        collect_links(html.fromstring(f"<html><body>{menu}</body></html>"), page, {})
    info = _join.cache_info()
    # the root path and the other site's address joined once for both pages; "next.html" once per page
    assert (info.hits, info.misses) == (2, 4)


def test_links_are_absolute_and_in_page_order() -> None:
    page = html.fromstring(
        '<html><body><nav><a href="/">首页</a></nav><p><a href="../doc/a.pdf">附件</a>'
        '<img src="//img.example/p.jpg" alt="图"></p><a href="http://[::1/x">坏</a></body></html>'
    )
    links, bad = collect_links(page, "https://site.example/news/2018/1.html", {})
    assert [(link.url, link.rel) for link in links] == [
        ("https://site.example/", "nav"),
        ("https://site.example/news/doc/a.pdf", "attachment"),
        ("https://img.example/p.jpg", "image"),
    ]
    assert bad == 1


def test_links_travel_between_processes_unchanged() -> None:
    """Ingest workers pickle every extraction to the storing process; links have their own short form."""
    page = '<html><body><article><p>正文</p><a href="/a.html">民族团结</a><a href="b.pdf">附件</a></article></body></html>'
    extraction = extract_page(page.encode("utf-8"), "http://www.example.cn/news/1.html")
    assert extraction.links
    back = pickle.loads(pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == extraction and back.links == extraction.links
    assert all(type(link) is type(extraction.links[0]) for link in back.links)
