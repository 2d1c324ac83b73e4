"""Unit tests of the crawler's parts, built the way Scrapy builds them (get_crawler, real responses)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from archive.sites import DEFAULT_SITE
from crawler.addon import ARCHIVE_ACCEPT_ENCODING
from crawler.http_capture import request_data, response_data, truncation_reason
from crawler.safety import AddressGuardMiddleware, is_internal_address
from crawler.spiders.minzu import MinzuSpider


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("192.168.1.10", True),
        ("10.0.0.8", True),
        ("127.0.0.1", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("fe80::1", True),
        ("100.100.100.200", True),
        ("100.64.0.1", True),
        ("202.108.22.5", False),
        ("www.56-china.com.cn", False),
    ],
)
def test_internal_addresses_are_recognised(address: str, internal: bool) -> None:
    assert is_internal_address(address) is internal


def _guard(**settings) -> AddressGuardMiddleware:
    crawler = get_crawler(MinzuSpider, settings_dict=settings)
    return AddressGuardMiddleware.from_crawler(crawler)


def test_guard_refuses_private_literal_and_counts_it() -> None:
    guard = _guard(ADDRESS_GUARD_ENABLED=True)
    with pytest.raises(IgnoreRequest, match=r"192\.168\.1\.10"):
        guard.process_request(Request("http://192.168.1.10/admin/"))
    assert guard.stats.get_value("address_guard/refused") == 1


def test_guard_lets_allowed_address_and_public_names_through() -> None:
    guard = _guard(ADDRESS_GUARD_ENABLED=True, ADDRESS_GUARD_ALLOWED=["127.0.0.1"])
    assert guard.process_request(Request("http://127.0.0.1:8080/")) is None
    proxied = Request("http://www.56-china.com.cn/", meta={"proxy": "http://127.0.0.1:1"})
    assert guard.process_request(proxied) is None


def test_guard_resolves_host_names_to_internal_addresses() -> None:
    guard = _guard(ADDRESS_GUARD_ENABLED=True)
    with pytest.raises(IgnoreRequest):
        guard.process_request(Request("http://localhost:9/"))


def test_guard_can_be_switched_off() -> None:
    crawler = get_crawler(MinzuSpider, settings_dict={"ADDRESS_GUARD_ENABLED": False})
    with pytest.raises(NotConfigured):
        AddressGuardMiddleware.from_crawler(crawler)


def test_spider_defaults_to_the_real_site() -> None:
    spider = MinzuSpider()
    assert spider.start_urls == list(DEFAULT_SITE.start_urls)
    assert spider.allowed_domains == [DEFAULT_SITE.host]
    other = MinzuSpider(start_urls="http://a.example/,http://b.example:8080/x")
    assert other.start_urls == ["http://a.example/", "http://b.example:8080/x"]
    assert other.allowed_domains == ["a.example", "b.example"]
    scoped = MinzuSpider(start_urls="http://a.example/", allowed_domains="a.example,c.example")
    assert scoped.allowed_domains == ["a.example", "c.example"]


ARTICLE_HTML = """<html><head><link rel="stylesheet" href="/statics/css/style.css"></head><body>
<div class="position">您现在所在位置:<a href="/">首页</a> &gt; <a href="/list-case-3-1.html">示范创建</a></div>
<p><img src="/uploadfile/2018/0518/a.jpg" alt="DSC_0742_副本.jpg"></p>
<a href="/show-case-1617.html">下一篇</a>
<a href="http://www.seac.gov.cn/">国家民委</a>
<a href="/uploadfile/2024/dingyuedan2024.pdf">2024年《中国民族》杂志订阅单</a>
<a href="/专题/民族团结进步.html">专题</a>
</body></html>"""


def test_spider_follows_links_requisites_and_attachments() -> None:
    crawler = get_crawler(MinzuSpider)
    spider = MinzuSpider.from_crawler(crawler)
    url = "http://www.56-china.com.cn/show-case-1616.html"
    response = HtmlResponse(
        url,
        body=ARTICLE_HTML.encode("utf-8"),
        headers={"Content-Type": "text/html"},
        request=Request(url, meta={"page_kind": "article"}),
    )
    urls = {request.url for request in spider.parse(response)}
    # The site is crawled over https (its start URLs): an http:// page's links are asked for as https.
    assert "https://www.56-china.com.cn/list-case-3-1.html" in urls
    assert "https://www.56-china.com.cn/uploadfile/2018/0518/a.jpg" in urls
    assert "https://www.56-china.com.cn/statics/css/style.css" in urls
    assert "https://www.56-china.com.cn/uploadfile/2024/dingyuedan2024.pdf" in urls
    topic = "/%E4%B8%93%E9%A2%98/%E6%B0%91%E6%97%8F%E5%9B%A2%E7%BB%93%E8%BF%9B%E6%AD%A5.html"
    assert "https://www.56-china.com.cn" + topic in urls
    assert not any("seac.gov.cn" in u for u in urls)


def test_spider_does_not_parse_images() -> None:
    spider = MinzuSpider.from_crawler(get_crawler(MinzuSpider))
    image = Response(
        "http://www.56-china.com.cn/a.jpg", body=b"\xff\xd8\xff", headers={"Content-Type": "image/jpeg"}
    )
    assert list(spider.parse(image)) == []


def test_page_kind_comes_from_the_site_definition() -> None:
    spider = MinzuSpider()
    assert spider.page_kind("https://www.56-china.com.cn/show-case-1616.html") == "article"
    assert spider.page_kind("https://www.56-china.com.cn/list-case-3-2.html") == "listing"
    assert spider.page_kind("https://www.56-china.com.cn/") == "page"


def test_capture_values_keep_every_header_value_and_drop_proxy_credentials() -> None:
    request = Request(
        "http://www.56-china.com.cn/index.php?m=content&id=1616",
        headers={"Accept-Encoding": ARCHIVE_ACCEPT_ENCODING, "Proxy-Authorization": "Basic c2VjcmV0"},
    )
    data = request_data(request)
    assert data.headers[0] == ("Host", "www.56-china.com.cn")
    assert ("Accept-Encoding", "gzip, deflate") in data.headers
    assert not any(name.lower() == "proxy-authorization" for name, _ in data.headers)
    response = Response(
        request.url,
        status=200,
        headers={"Set-Cookie": ["a=1", "b=2"], "Content-Encoding": "gzip"},
        body=b"\x1f\x8b...",
        flags=["dataloss"],
    )
    captured = response_data(response)
    assert [v for n, v in captured.headers if n == "Set-Cookie"] == ["a=1", "b=2"]
    assert captured.body == b"\x1f\x8b..."
    assert truncation_reason(response) == "disconnect"


def test_a_redirect_does_not_carry_the_previous_urls_conditions() -> None:
    from archive.db.prior_captures import PriorCapture
    from crawler.incremental import PRIOR_META_KEY, IncrementalMiddleware

    crawler = get_crawler(
        MinzuSpider, settings_dict={"ARCHIVE_INCREMENTAL_ENABLED": True, "ARCHIVE_DIR": "/nonexistent"}
    )
    middleware = IncrementalMiddleware.from_crawler(crawler)
    old = "http://www.56-china.com.cn/index.php?id=1"
    middleware.memory.priors[old] = PriorCapture(
        old,
        "<urn:uuid:a>",
        "2026-01-01T00:00:00Z",
        200,
        "text/html",
        '"etag-a"',
        "Thu, 01 Jan 2026 00:00:00 GMT",
        "sha1:X",
        "f.warc.gz",
        0,
    )
    first = Request(old)
    middleware.process_request(first)
    assert first.headers.get(b"If-None-Match") == b'"etag-a"'
    # What RedirectMiddleware does: the same headers and meta on a request for the new URL.
    hop = first.replace(url="http://www.56-china.com.cn/show-case-1616.html")
    middleware.process_request(hop)
    assert b"If-None-Match" not in hop.headers and b"If-Modified-Since" not in hop.headers
    assert PRIOR_META_KEY not in hop.meta
