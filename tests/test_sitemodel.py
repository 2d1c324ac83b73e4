"""The site model over real HTTP on loopback: content, media, and each piece of deliberate trouble."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import ssl
import struct
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

from sitemodel import build_site
from sitemodel.catalog import build_catalog
from sitemodel.manifest import build_manifest
from sitemodel.pages import pager_numbers
from sitemodel.routes import Router
from sitemodel.seed import load_seed, seed_text_path
from sitemodel.server import SiteModel, accepts_gzip, start_site_model

ORIGIN = "http://www.56-china.com.cn"
HTTPS = "https://www.56-china.com.cn"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article.txt"


@pytest.fixture(scope="module")
def model() -> Iterator[SiteModel]:
    with start_site_model() as running:
        yield running


@pytest.fixture
def fresh() -> Iterator[SiteModel]:
    """A model of its own, for tests that depend on first-request state; no slow page, to stay fast."""
    with start_site_model(slow_seconds=0.0) as running:
        yield running


def via_proxy(model: SiteModel, path_or_url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """Absolute-form request (how Scrapy talks to http_proxy); returns (response, body)."""
    url = path_or_url if "://" in path_or_url else ORIGIN + path_or_url
    conn = http.client.HTTPConnection(model.host, model.port, timeout=10)
    conn.request(method, url, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def direct(model: SiteModel, path: str, headers: dict[str, str] | None = None):
    """Origin-form request with the real site's Host header."""
    conn = http.client.HTTPConnection(model.host, model.port, timeout=10)
    conn.request("GET", path, headers={"Host": "www.56-china.com.cn", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def raw_exchange(model: SiteModel, request_line: bytes, extra: bytes = b"") -> bytes:
    """Send bytes as-is and read until the server closes: for wire-level checks http.client hides."""
    with socket.create_connection((model.host, model.port), timeout=10) as sock:
        sock.sendall(
            request_line + b"\r\nHost: www.56-china.com.cn\r\nConnection: close\r\n" + extra + b"\r\n"
        )
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    return b"".join(chunks)


def page(body: bytes, encoding: str = "utf-8") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(body.decode(encoding))


# --- content -------------------------------------------------------------------------------------------


def test_seed_copy_is_byte_identical_to_the_shared_seed() -> None:
    assert Path(seed_text_path()).read_bytes() == SHARED_SEED.read_bytes()


def test_site_holds_forty_articles_in_four_channels_with_the_seed() -> None:
    site = build_site()
    assert len(site.articles) == 40
    assert [c.name for c in site.channels] == ["示范创建", "关注", "共有家园", "史话共同体"]
    demo = site.channels[0]
    assert len(site.channel_articles(demo)) >= 21 and site.page_count(demo) == 2
    seed = site.article(1616)
    assert (seed.date, seed.channel.name, len(seed.image_paths)) == ("2018-05-18", "示范创建", 2)
    dates = [a.date for a in site.articles]
    assert min(dates) >= "2014-01-01" and max(dates) <= "2024-12-31" and min(dates) < "2015"
    by_id = [a.date for a in sorted(site.articles, key=lambda a: a.id)]
    assert by_id != sorted(by_id), "ids must not be chronological"
    captions = [c for a in site.articles for c in a.captions]
    assert any(re.search(r"(新华社记者|本刊记者|通讯员|本刊特约记者) \S+/摄$", c) for c in captions)
    assert len({a.title for a in site.articles}) == 40


def test_content_is_deterministic() -> None:
    build_catalog.cache_clear()
    first = build_catalog(40, 1)
    build_catalog.cache_clear()
    assert build_catalog(40, 1) == first


def test_seed_page_contains_every_line_of_article_txt(model: SiteModel) -> None:
    response, body = via_proxy(model, "/show-case-1616.html")
    assert response.status == 200
    tree = page(body)
    text = tree.text_content()
    seed = load_seed()
    assert tree.findtext(".//h1") == seed.title
    assert tree.xpath("string(//div[@class='info'])") == "发布日期:2018-05-18"
    assert tree.xpath("//div[@class='position']/a/text()") == ["首页", "示范创建"]
    alts = tree.xpath("//div[@class='content']//img/@alt")
    for block in seed.blocks:
        if block.kind == "image":
            assert block.text in alts
        else:
            assert block.text in text
    dingyue = tree.xpath("//div[@class='dingyue']")[0]
    dingyue_lines = [p.text_content() for p in dingyue.iter("p") if p.text_content()]
    assert dingyue_lines == list(seed.subscription_lines[:-1])
    assert dingyue.xpath(".//img/@alt") == [seed.subscription_lines[-1]]
    assert dingyue.xpath(".//a/@href") == ["/uploadfile/2024/dingyuedan2024.pdf"]


def test_generated_article_pages_match_the_site_data(fresh: SiteModel) -> None:
    site = fresh.site
    for article in site.articles:
        if article.id == site.trouble.flaky_article_id:
            continue
        response, body = via_proxy(fresh, article.path)
        assert response.status == 200
        tree = page(body, "gbk" if article.encoding == "gbk" else "utf-8")
        paragraphs = [p.text_content().strip() for p in tree.xpath("//div[@class='content']/p")]
        assert tree.findtext(".//h1") == article.title
        assert [p for p in paragraphs if p] == [
            *(c for c in _visible_lines(article)),
        ]
        assert tree.xpath("//div[@class='content']//img/@src") == list(article.image_paths)


def _visible_lines(article) -> list[str]:
    kinds = ("paragraph", "heading", "caption")
    return [b.text.strip() for b in article.blocks if b.kind in kinds] + [t for _, t in article.extra_links]


# --- media ---------------------------------------------------------------------------------------------


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from the first SOF segment (walks the marker segments)."""
    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise AssertionError("no SOF segment")


def test_every_image_and_the_attachment_are_real_files(model: SiteModel) -> None:
    site = model.site
    bodies = {}
    for path in site.media_paths():
        response, body = via_proxy(model, path)
        assert response.status == 200, path
        bodies[path] = body
        kind = response.getheader("Content-Type")
        if kind == "image/jpeg":
            assert body[:3] == b"\xff\xd8\xff" and body.endswith(b"\xff\xd9")
            assert _jpeg_size(body) == (1200, 800)
        elif kind == "image/png":
            assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
            width, height = struct.unpack(">II", body[16:24])
            assert width > 0 and height > 0
        else:
            assert kind == "application/pdf" and path == site.attachment_path
            assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
            xref_at = int(body.rsplit(b"startxref\n", 1)[1].split()[0])
            assert body[xref_at:].startswith(b"xref")
            offsets = re.findall(rb"(\d{10}) 00000 n", body)
            assert all(body[int(o) :].startswith(b"%d 0 obj" % n) for n, o in enumerate(offsets, 1))
    images = [b for p, b in bodies.items() if p.startswith("/uploadfile/") and p.endswith(".jpg")]
    assert len(set(images)) == len(images), "every image URL has its own bytes"


# --- delivery trouble ----------------------------------------------------------------------------------


def test_gzip_only_when_the_client_accepts_it(model: SiteModel) -> None:
    plain_response, plain = via_proxy(model, "/show-case-1616.html")
    gz_response, packed = via_proxy(model, "/show-case-1616.html", {"Accept-Encoding": "gzip, deflate"})
    refused, refused_body = via_proxy(
        model, "/show-case-1616.html", {"Accept-Encoding": "gzip;q=0, identity"}
    )
    assert plain_response.getheader("Content-Encoding") is None
    assert gz_response.getheader("Content-Encoding") == "gzip"
    assert gz_response.getheader("Vary") == "Accept-Encoding"
    assert gzip.decompress(packed) == plain
    assert refused.getheader("Content-Encoding") is None and refused_body == plain
    assert accepts_gzip("br, *;q=0.5") and not accepts_gzip("br, zstd") and not accepts_gzip(None)
    image, _ = via_proxy(model, model.site.logo_path, {"Accept-Encoding": "gzip"})
    assert image.getheader("Content-Encoding") is None


def test_listing_pages_are_chunked_on_the_wire(model: SiteModel) -> None:
    raw = raw_exchange(model, b"GET /list-case-3-1.html HTTP/1.1")
    head, _, wire = raw.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head and b"Content-Length" not in head
    assert re.match(rb"[0-9a-f]+\r\n", wire) and wire.endswith(b"0\r\n\r\n")
    sizes = re.findall(rb"(?:^|\r\n)([0-9a-f]+)\r\n", wire)
    assert len(sizes) >= 3, "more than one chunk"


def test_listings_paginate_through_every_article_of_a_channel(model: SiteModel) -> None:
    site = model.site
    for channel in site.channels:
        seen, path = [], channel.listing_path(1)
        while path:
            response, body = direct(model, path)
            assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
            tree = page(body)
            seen += tree.xpath("//ul[@class='list']/li/a/@href")
            following = tree.xpath("//div[@class='pages']/a[text()='下一页']/@href")
            path = following[0] if following else None
        assert seen == [a.path for a in site.channel_articles(channel)]
    last = site.channels[0].listing_path(site.page_count(site.channels[0]))
    assert "上一页" in direct(model, last)[1].decode()
    assert direct(model, site.channels[0].listing_path(99))[0].status == 404


def test_old_url_answers_301_to_the_static_page(model: SiteModel) -> None:
    trouble = model.site.trouble
    response, _ = via_proxy(model, trouble.old_url)
    assert response.status == 301
    assert response.getheader("Location") == ORIGIN + trouble.old_url_target
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": model.proxy_url}))
    with opener.open(ORIGIN + trouble.old_url, timeout=10) as followed:
        assert followed.status == 200 and followed.url == ORIGIN + trouble.old_url_target
    home = direct(model, "/")[1].decode()
    assert 'href="/index.php?m=content&amp;c=index&amp;a=show&amp;catid=3&amp;id=1616"' in home


def test_dead_link_answers_404(model: SiteModel) -> None:
    site = model.site
    linking = [a for a in site.articles if any(h == site.trouble.dead_link_path for h, _ in a.extra_links)]
    assert len(linking) == 1
    _, body = via_proxy(model, linking[0].path)
    assert site.trouble.dead_link_path in page(body).xpath("//div[@class='content']//a/@href")
    assert via_proxy(model, site.trouble.dead_link_path)[0].status == 404


def test_flaky_article_fails_once_then_succeeds(fresh: SiteModel) -> None:
    path = fresh.site.article(fresh.site.trouble.flaky_article_id).path
    assert via_proxy(fresh, path)[0].status == 500
    assert via_proxy(fresh, path)[0].status == 200
    assert via_proxy(fresh, path)[0].status == 200


def test_slow_page_takes_its_time(model: SiteModel) -> None:
    started = time.monotonic()
    response, _ = via_proxy(model, model.site.trouble.slow_path)
    assert response.status == 200 and time.monotonic() - started >= 1.4
    started = time.monotonic()
    via_proxy(model, "/show-case-1616.html")
    assert time.monotonic() - started < 1.0


def test_conditional_get(model: SiteModel) -> None:
    response, body = via_proxy(model, "/show-case-1616.html")
    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag) and modified == "Thu, 17 May 2018 16:00:00 GMT"
    not_modified, empty = via_proxy(model, "/show-case-1616.html", {"If-None-Match": etag})
    assert not_modified.status == 304 and empty == b"" and not_modified.getheader("ETag") == etag
    assert via_proxy(model, "/show-case-1616.html", {"If-Modified-Since": modified})[0].status == 304
    older = "Mon, 01 Jan 2018 00:00:00 GMT"
    assert via_proxy(model, "/show-case-1616.html", {"If-Modified-Since": older})[0].status == 200
    changed = via_proxy(
        model, "/show-case-1616.html", {"If-None-Match": '"0000"', "If-Modified-Since": modified}
    )
    assert changed[0].status == 200 and changed[1] == body, "If-None-Match wins over If-Modified-Since"
    gz_response, _ = via_proxy(model, "/show-case-1616.html", {"Accept-Encoding": "gzip"})
    assert gz_response.getheader("ETag") != etag, "strong validators differ per representation"
    image, _ = via_proxy(model, model.site.logo_path)
    assert via_proxy(model, model.site.logo_path, {"If-None-Match": image.getheader("ETag")})[0].status == 304


def test_old_article_is_served_as_gbk(model: SiteModel) -> None:
    article = model.site.article(model.site.trouble.gbk_article_id)
    assert article.date.startswith("2014")
    response, body = via_proxy(model, article.path)
    assert response.getheader("Content-Type") == "text/html; charset=gb2312"
    assert b'<meta charset="gb2312">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    decoded = body.decode("gbk")
    assert article.title in decoded and "发布日期:2014-" in decoded


def test_robots_txt_disallows_admin_which_answers_403(fresh: SiteModel) -> None:
    response, body = via_proxy(fresh, "/robots.txt")
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/plain")
    assert body.decode() == "User-agent: *\nDisallow: /admin/\n"
    assert 'href="/admin/"' in direct(fresh, "/")[1].decode()
    assert via_proxy(fresh, "/admin/")[0].status == 403
    assert [(r.url, r.status) for r in fresh.requests if "/admin" in r.url] == [(ORIGIN + "/admin/", 403)]


def test_calendar_is_an_endless_trap(model: SiteModel) -> None:
    path, seen = model.site.trouble.calendar_start, []
    for _ in range(15):
        response, body = via_proxy(model, path)
        assert response.status == 200
        seen.append(path)
        path = page(body).xpath("//a[text()='下个月']/@href")[0]
    assert len(set(seen)) == 15 and seen[-1] == "/calendar/2019-07.html"
    _, body = via_proxy(model, "/calendar/2018-05.html")
    assert page(body).xpath("//a[text()='上个月']/@href") == ["/calendar/2018-04.html"]
    assert via_proxy(model, "/calendar/2999-12.html")[0].status == 200
    assert via_proxy(model, "/calendar/2018-13.html")[0].status == 404


def test_non_ascii_path_served_encoded_or_raw(model: SiteModel) -> None:
    topic = model.site.trouble.topic_path
    encoded = quote(topic)
    assert encoded == "/%E4%B8%93%E9%A2%98/%E6%B0%91%E6%97%8F%E5%9B%A2%E7%BB%93%E8%BF%9B%E6%AD%A5.html"
    assert f'href="{encoded}"' in direct(model, "/")[1].decode()
    response, body = via_proxy(model, encoded)
    assert response.status == 200 and "民族团结进步专题" in body.decode()
    raw = raw_exchange(model, b"GET " + topic.encode("utf-8") + b" HTTP/1.1")
    assert raw.startswith(b"HTTP/1.1 200 ") and "民族团结进步专题".encode() in raw
    logged = [r.url for r in model.requests if "%E4%B8%93" in r.url]
    assert logged and all(url == ORIGIN + encoded for url in logged)


def test_other_hosts_get_502_and_are_never_contacted(fresh: SiteModel) -> None:
    site = fresh.site
    for url in (*site.trouble.offsite_links, *site.trouble.private_links, "https://www.56-china.com.cn/"):
        response, body = via_proxy(fresh, url)
        assert response.status == 502 and b"will not contact" in body
    conn = http.client.HTTPConnection(fresh.host, fresh.port, timeout=10)
    conn.request("GET", "/", headers={"Host": "example.com"})
    assert conn.getresponse().status == 502
    conn.close()
    raw = raw_exchange(fresh, b"CONNECT www.seac.gov.cn:443 HTTP/1.1")
    assert raw.startswith(b"HTTP/1.1 502 ")
    assert sum(r.status == 502 for r in fresh.requests) == 6
    with start_site_model(https=False) as plain:
        raw = raw_exchange(plain, b"CONNECT www.56-china.com.cn:443 HTTP/1.1")
        assert raw.startswith(b"HTTP/1.1 502 ") and plain.ca_pem is None


def test_request_log_records_method_url_headers_status(fresh: SiteModel) -> None:
    via_proxy(fresh, "/show-case-1616.html", {"User-Agent": "test-agent/1"})
    direct(fresh, "/robots.txt")
    via_proxy(fresh, "/nothing-here.html", method="HEAD")
    first, second, third = fresh.requests
    assert (first.method, first.url, first.status, first.proxied) == (
        "GET",
        ORIGIN + "/show-case-1616.html",
        200,
        True,
    )
    assert first.header("user-agent") == "test-agent/1"
    assert (second.url, second.status, second.proxied) == (ORIGIN + "/robots.txt", 200, False)
    assert (third.method, third.status) == ("HEAD", 404)
    fresh.clear_requests()
    assert fresh.requests == []


def test_keep_alive_serves_many_requests_on_one_connection(model: SiteModel) -> None:
    conn = http.client.HTTPConnection(model.host, model.port, timeout=10)
    sockets = set()
    for path in ("/", "/list-case-3-2.html", "/show-case-1616.html", model.site.logo_path):
        conn.request("GET", ORIGIN + path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200 and not response.will_close
        sockets.add(id(conn.sock))
    conn.close()
    assert len(sockets) == 1


def test_polite_crawl_reaches_every_crawlable_path(fresh: SiteModel) -> None:
    """A breadth-first crawl through the proxy, honouring robots.txt and skipping the calendar trap."""
    site, found, queue = fresh.site, set(), [ORIGIN + "/"]
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        if key in found or parts.hostname != "www.56-china.com.cn" or key.startswith(("/admin", "/calendar")):
            continue
        response, body = via_proxy(fresh, url)
        if response.status == 500:
            response, body = via_proxy(fresh, url)
        found.add(key)
        if response.status == 301:
            queue.append(urljoin(url, response.getheader("Location")))
        elif response.getheader("Content-Type", "").startswith("text/html") and response.status == 200:
            tree = lxml.html.fromstring(body)
            queue += [urljoin(url, link) for _, _, link, _ in tree.iterlinks()]
    expected = {quote(p) for p in site.crawlable_paths()}
    assert expected <= found
    assert site.trouble.dead_link_path in found and site.trouble.old_url in found


# --- version 2 and the command line ------------------------------------------------------------------


def test_version_two_changes_exactly_what_it_promises() -> None:
    v1, v2 = build_site(1), build_site(2)
    before, after = {a.id: a for a in v1.articles}, {a.id: a for a in v2.articles}
    assert sorted(set(after) - set(before)) == [8101, 8102]
    (removed,) = set(before) - set(after)
    assert v2.removed_paths == (before[removed].path,)
    edited = [i for i in before if i in after and before[i] != after[i]]
    assert len(edited) == 1 and after[edited[0]].updated
    assert len(v2.replaced_images) == 1
    with start_site_model(version=2, slow_seconds=0.0) as running:
        assert via_proxy(running, before[removed].path)[0].status == 410
        assert via_proxy(running, after[8101].path)[0].status == 200
        new_bytes = via_proxy(running, v2.replaced_images[0])[1]
    with start_site_model(version=1, slow_seconds=0.0) as running:
        assert via_proxy(running, v2.replaced_images[0])[1] != new_bytes


def test_python_dash_m_prints_the_proxy_url_and_serves() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sitemodel", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        proxy_url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", proxy_url)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy_url}))
        with opener.open(ORIGIN + "/robots.txt", timeout=10) as response:
            assert b"Disallow: /admin/" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- the model at scale ------------------------------------------------------------------------------

SCALE = 600  # big enough for eight channels, a twelve-page channel and every version-2 change


def routed(router: Router, path: str, origin: str = HTTPS) -> tuple[int, bytes]:
    reply = router.route(path, "", origin)
    return reply.status, reply.body


def test_layout_at_scale() -> None:
    site = build_site(1, SCALE)
    sizes = {c.name: len(site.channel_entries(c)) for c in site.channels}
    assert len(site.channels) >= 8 and sum(sizes.values()) == SCALE == len(site.articles)
    assert 0.35 <= max(sizes.values()) / SCALE <= 0.45 and len(set(sizes.values())) == len(sizes)
    assert list(sizes)[:4] == ["示范创建", "关注", "共有家园", "史话共同体"]
    dates = sorted(e.date for e in site.entries)
    assert dates[0] < "2007" and dates[-1] > "2026"
    ids = [e.id for e in sorted(site.entries, key=lambda e: e.order)]
    assert ids != sorted(ids) and 1616 in ids and max(ids) < 8000
    assert {e.image_count for e in site.entries} == {1, 2, 3}
    assert len({e.title for e in site.entries}) == SCALE
    assert site.article(1616).blocks == build_site().article(1616).blocks, "the seed stays verbatim"


def test_pages_are_generated_the_same_in_another_process() -> None:
    """Bytes depend on (size, version, path) only: a second process serving the same site agrees."""
    site = build_site(2, SCALE)
    channel = site.channels[0]
    paths = [
        "/",
        channel.listing_path(3),
        site.entries[5].path,
        site.entries[-1].path,
        site.entries[7].image_paths[0],
        "/rss.xml",
    ]
    router = Router(site, slow_seconds=0)
    here = [routed(router, path) for path in paths]
    assert here == [routed(Router(site, slow_seconds=0), path) for path in paths]
    process = subprocess.Popen(
        [sys.executable, "-m", "sitemodel", "--articles", str(SCALE), "--version", "2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        proxy_url = process.stdout.readline().strip()
        port = int(proxy_url.rsplit(":", 1)[1])
        for path, (status, body) in zip(paths, here, strict=True):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", HTTPS.replace("https", "http") + path)
            response = conn.getresponse()
            assert (response.status, response.read()) == (
                status,
                body.replace(HTTPS.encode(), ORIGIN.encode()),
            )
            conn.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_listing_pager_shows_ten_numbers_around_the_current_page() -> None:
    site = build_site(1, SCALE)
    channel = site.channels[0]
    pages_total = site.page_count(channel)
    assert pages_total == 12
    assert list(pager_numbers(1, 12)) == list(range(1, 11))
    assert list(pager_numbers(7, 12)) == list(range(3, 13))
    assert list(pager_numbers(5, 3)) == [1, 2, 3]
    router = Router(site, slow_seconds=0)
    for number in range(1, pages_total + 1):
        tree = page(routed(router, channel.listing_path(number))[1])
        pager = tree.xpath("//div[@class='pages']")[0]
        shown = [int(x) for x in pager.xpath("./a/text() | ./span/text()") if x.isdigit()]
        assert len(shown) <= 10 and number in shown and shown == sorted(shown)
        assert pager.xpath("./span[@class='current']/text()") == [str(number)]
        labels = dict(zip(pager.xpath("./a/text()"), pager.xpath("./a/@href"), strict=True))
        assert labels["首页"] == channel.listing_path(1) and labels["尾页"] == channel.listing_path(12)
        assert ("上一页" in labels) == (number > 1) and ("下一页" in labels) == (number < 12)
        items = tree.xpath("//ul[@class='list']/li/a/@href")
        assert len(items) == (20 if number < 12 else len(site.channel_entries(channel)) - 220)
    first = page(routed(router, channel.listing_path(1))[1])
    assert [a.strip() for a in first.xpath("//div[@class='pages']/a/text()")][-2:] == ["下一页", "尾页"]


def _walk_listings(router: Router) -> tuple[set[str], int]:
    """Article paths linked from the home page and listing pages, following only those pages."""
    seen, queue, articles = set(), ["/"], set()
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        status, body = routed(router, path)
        assert status == 200, path
        for href in page(body).xpath("//a/@href"):
            target = urlsplit(urljoin(HTTPS + path, href))
            if target.hostname != "www.56-china.com.cn":
                continue
            if re.fullmatch(r"/show-case-\d+\.html", target.path):
                articles.add(target.path)
            elif re.fullmatch(r"/list-case-\d+-\d+\.html", target.path):
                queue.append(target.path)
    return articles, len(seen)


@pytest.mark.parametrize("version", [1, 2])
def test_every_manifest_article_is_reachable_through_the_listings(version: int) -> None:
    site = build_site(version, SCALE)
    manifest = build_manifest(SCALE, version)
    found, visited = _walk_listings(Router(site, slow_seconds=0))
    listed = {urlsplit(a["url"]).path for a in manifest["articles"]}
    assert listed <= found and visited == 1 + len(site.listing_paths())
    assert not found & {urlsplit(u).path for u in manifest["removed"]}
    router = Router(site, slow_seconds=0)
    for row in manifest["articles"][:: len(manifest["articles"]) // 25]:
        status, body = routed(router, urlsplit(row["url"]).path)
        encoding = "gbk" if b'charset="gb2312"' in body else "utf-8"
        srcs = page(body, encoding).xpath("//div[@class='content']//img/@src")
        assert [HTTPS + src for src in srcs] == row["images"] and status == 200


def test_version_two_at_scale_changes_the_promised_shares() -> None:
    size = 1000
    v1, v2 = build_site(1, size), build_site(2, size)
    manifest = build_manifest(size, 2)
    before, after = {e.id: e for e in v1.entries}, {e.id: e for e in v2.entries}
    edited = [i for i in before if i in after and before[i] != after[i]]
    assert sorted(edited) == sorted(v2.edited_ids) and len(edited) == 10
    assert min(before[i].date for i in edited) < "2016", "old articles are edited too"
    assert all(after[i].updated == v2.revised for i in edited)
    assert len(v2.removed) == 5 and set(v2.removed.values()) == {404, 410}
    assert set(before) - set(after) == {int(re.sub(r"\D", "", p)) for p in v2.removed}
    new = sorted(set(after) - set(before))
    assert new == sorted(v2.new_ids) and len(new) == 10 and min(new) > max(before)
    newest_old = max(e.date for e in v1.entries)
    assert all(after[i].date > newest_old for i in new)
    assert len(manifest["edited"]) == 10 and len(manifest["new"]) == 10 and len(manifest["removed"]) == 5
    assert (
        manifest["replaced_images"] == [HTTPS + p for p in v2.replaced_images]
        and len(v2.replaced_images) == 1
    )
    router = Router(v2, slow_seconds=0)
    for path, status in v2.removed.items():
        assert routed(router, path)[0] == status
    for i in new:
        channel = v2.channel(after[i].catid)
        assert after[i].path in page(routed(router, channel.listing_path(1))[1]).xpath("//li/a/@href")
    modified = {urlsplit(a["url"]).path: a["modified"] for a in manifest["articles"]}
    assert all(modified[after[i].path] == v2.revised for i in edited)
    edited_page = routed(router, after[edited[0]].path)[1].decode(after[edited[0]].encoding)
    assert "一文的最新进展和相关数据" in edited_page and "更新:补充了《" in edited_page
    unchanged = next(e for e in v1.entries if e.id not in edited and e.id in after)
    assert routed(Router(v1, slow_seconds=0), unchanged.path) == routed(router, unchanged.path)


def test_small_photos_at_scale_full_photos_by_default() -> None:
    big, small = build_site(1, SCALE), build_site()
    big_router, small_router = Router(big, slow_seconds=0), Router(small, slow_seconds=0)
    bodies = [routed(big_router, src)[1] for e in big.entries[:40] for src in e.image_paths]
    assert all(b[:3] == b"\xff\xd8\xff" and _jpeg_size(b) == (360, 240) and len(b) < 20_000 for b in bodies)
    assert len(set(bodies)) == len(bodies), "every image URL has its own bytes"
    photo = routed(small_router, small.article(1616).image_paths[0])[1]
    assert _jpeg_size(photo) == (1200, 800) and len(photo) > 100_000


# --- https, feeds, switches and the manifest ---------------------------------------------------------


def test_https_through_connect_with_a_verified_certificate(fresh: SiteModel) -> None:
    context = ssl.create_default_context(cafile=str(fresh.ca_path))
    assert fresh.ca_path.read_bytes() == fresh.ca_pem
    conn = http.client.HTTPSConnection(fresh.host, fresh.port, timeout=10, context=context)
    conn.set_tunnel("www.56-china.com.cn", 443)
    bodies = {}
    for path in ("/", "/show-case-1616.html", fresh.site.trouble.old_url):
        conn.request("GET", path)
        response = conn.getresponse()
        bodies[path] = (response.status, response.getheader("Location"), response.read())
    conn.close()
    assert bodies["/"][0] == 200 and "最新文章" in bodies["/"][2].decode()
    assert bodies["/show-case-1616.html"][2] == via_proxy(fresh, "/show-case-1616.html")[1]
    assert bodies[fresh.site.trouble.old_url][:2] == (301, HTTPS + "/show-case-1616.html")
    assert fresh.tunnels == 1
    urls = [r.url for r in fresh.requests]
    assert urls[:3] == [HTTPS + "/", HTTPS + "/show-case-1616.html", HTTPS + fresh.site.trouble.old_url]
    untrusted = http.client.HTTPSConnection(fresh.host, fresh.port, timeout=10)
    untrusted.set_tunnel("www.56-china.com.cn", 443)
    with pytest.raises(ssl.SSLCertVerificationError):
        untrusted.request("GET", "/")


def test_links_are_relative_but_for_a_few_http_forms() -> None:
    site, plain = build_site(), build_site(http_links=False)
    home = page(Router(site).route("/", "", HTTPS).body)
    absolute = sorted({h for h in home.xpath("//a/@href") if "56-china" in h})
    assert absolute == [ORIGIN + "/", ORIGIN + "/show-case-1616.html"]
    article = page(Router(site).route("/show-case-1616.html", "", HTTPS).body)
    assert [h for h in article.xpath("//a/@href") if "://" in h] == [ORIGIN + "/"]
    home_plain = page(Router(plain).route("/", "", HTTPS).body)
    assert not [h for h in home_plain.xpath("//a/@href") if "56-china" in h]


def test_rss_feed_lists_the_newest_articles_in_the_request_scheme() -> None:
    site = build_site(1, SCALE)
    router = Router(site, slow_seconds=0)
    home = page(routed(router, "/")[1])
    assert home.xpath("//link[@rel='alternate']/@href") == ["/rss.xml"]
    reply = router.route("/rss.xml", "", HTTPS)
    assert reply.status == 200 and reply.content_type.startswith("application/rss+xml")
    feed = lxml.etree.fromstring(reply.body)
    links = feed.xpath("//item/link/text()")
    assert links == [HTTPS + e.path for e in site.latest(50)]
    assert (
        lxml.etree.fromstring(router.route("/rss.xml", "", ORIGIN).body)
        .xpath("//item/link/text()")[0]
        .startswith(ORIGIN + "/")
    )


def test_sitemap_is_off_by_default_and_lists_every_article_when_on() -> None:
    quiet = Router(build_site(1, SCALE), slow_seconds=0)
    assert b"Sitemap" not in routed(quiet, "/robots.txt")[1] and routed(quiet, "/sitemap.xml")[0] == 404
    site = build_site(1, 2500, sitemap=True)
    router = Router(site, slow_seconds=0)
    robots = routed(router, "/robots.txt")[1].decode()
    assert robots == f"User-agent: *\nDisallow: /admin/\nSitemap: {HTTPS}/sitemap.xml\n"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = lxml.etree.fromstring(routed(router, "/sitemap.xml")[1])
    listed = []
    for loc in index.xpath("//s:sitemap/s:loc/text()", namespaces=namespace):
        status, body = routed(router, urlsplit(loc).path)
        assert status == 200
        listed += lxml.etree.fromstring(body).xpath("//s:url/s:loc/text()", namespaces=namespace)
    assert len(index) == 3 and sorted(listed) == sorted(HTTPS + e.path for e in site.entries)


def test_refused_image_answers_403_unless_switched_off() -> None:
    site = build_site()
    (refused,) = site.refused_images
    owner = site.article(site.trouble.refusing_article_id)
    assert refused in owner.image_paths and refused not in site.media_paths()
    assert Router(site).route(refused, "").status == 403
    assert Router(build_site(refused_image=False)).route(refused, "").status == 200
    assert build_manifest()["refused_images"] == [HTTPS + refused]
    assert build_manifest(refused_image=False)["refused_images"] == []


def test_manifest_command_prints_what_the_version_serves() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sitemodel", "--articles", "200", "--version", "2", "--manifest"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    printed = json.loads(result.stdout)
    assert printed == build_manifest(200, 2)
    rows = printed["articles"]
    assert len(rows) == 201 and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["modified"]) for r in rows)
    assert all(r["url"].startswith(HTTPS + "/show-case-") and 1 <= len(r["images"]) <= 3 for r in rows)
    assert len(printed["removed"]) == 1 and len(printed["new"]) == 2 and len(printed["edited"]) == 2
    bad = subprocess.run(
        [sys.executable, "-m", "sitemodel", "--articles", "3", "--manifest"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "at least 10 articles" in bad.stderr
