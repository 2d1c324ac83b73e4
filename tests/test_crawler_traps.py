"""Trap recognition, one URL per page, feeds as seeds and the on-disk frontier: the parts, without a crawl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.feeds import feed_item_links, feed_links, sitemap_locations
from crawler.frontier import RUNNING_MARKER, close_frontier, open_frontier
from crawler.spiders.minzu import EMPTY_DATE_RUN_KEY, MinzuSpider
from crawler.traps import QueryShapes, TrapGuard, TrapLimits, date_in_url, trap_reason
from crawler.urls import SchemePreference

TODAY = dt.date(2026, 12, 2)
LIMITS = TrapLimits(max_length=100, max_segments=5, max_repeats=2, max_query_params=4)


def test_shape_rules() -> None:
    assert trap_reason("http://h/a/b/c", LIMITS, TODAY) is None
    assert "repeated 3 times" in trap_reason("http://h/a/sub/sub/sub/", LIMITS, TODAY)
    assert "deeper" in trap_reason("http://h/1/2/3/4/5/6", LIMITS, TODAY)
    assert "longer" in trap_reason("http://h/?q=" + "x" * 100, LIMITS, TODAY)
    assert "query parameters" in trap_reason("http://h/s?a=1&b=2&c=3&d=4&e=5", LIMITS, TODAY)


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("http://h/calendar/2018-05.html", dt.date(2018, 5, 1)),
        ("http://h/archive/2018/05/18/", dt.date(2018, 5, 18)),
        ("http://h/uploadfile/2018/0518/a.jpg", dt.date(2018, 5, 18)),
        ("http://h/cal.php?year=2031&month=7", dt.date(2031, 7, 1)),
        ("http://h/show-case-1616.html", None),
        ("http://h/list-case-3-200.html", None),
        ("http://h/calendar/2019-02-30.html", None),
    ],
)
def test_dates_named_by_urls(url: str, named: dt.date | None) -> None:
    assert date_in_url(url) == named


def test_calendar_beyond_today_or_before_the_web_is_a_trap() -> None:
    limits = TrapLimits()
    assert trap_reason("http://h/calendar/2026-12.html", limits, TODAY) is None
    assert trap_reason("http://h/calendar/2027-01.html", limits, TODAY) is None  # within a month: allowed
    assert "future" in trap_reason("http://h/calendar/2027-03.html", limits, TODAY)
    assert "before 1990" in trap_reason("http://h/calendar/1989-12.html", limits, TODAY)
    # A long listing is not a trap, however many pages it has.
    assert trap_reason("http://h/list-case-3-480.html", limits, TODAY) is None


def test_query_shapes_admit_pagination_but_not_combinations() -> None:
    shapes = QueryShapes(max_shapes=3)
    assert all(shapes.admit(f"http://h/list.php?catid=3&page={n}") is None for n in range(500))
    refused = [shapes.admit(f"http://h/list.php?catid=3&f{n}=1") for n in range(5)]
    assert refused[:2] == [None, None] and "query-string shapes" in refused[2]
    assert shapes.admit("http://h/other.php?f9=1") is None  # counted per path


def test_trap_guard_counts_refusals_and_leaves_robots_txt_alone() -> None:
    crawler = get_crawler(MinzuSpider, settings_dict={"ARCHIVE_TRAP_FUTURE_DAYS": 0})
    guard = TrapGuard.from_crawler(crawler)
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%Y-%m")
    with pytest.raises(IgnoreRequest, match="future"):
        guard.process_request(Request(f"http://h/calendar/{future}.html"))
    assert guard.stats.get_value("failures/trap") == 1
    assert guard.process_request(Request("http://h/robots.txt", meta={"dont_obey_robotstxt": True})) is None


def _page(url: str, body: str, **meta) -> HtmlResponse:
    return HtmlResponse(
        url, body=body.encode(), headers={"Content-Type": "text/html"}, request=Request(url, meta=meta)
    )


def test_a_run_of_empty_calendar_pages_ends_the_walk() -> None:
    spider = MinzuSpider.from_crawler(get_crawler(MinzuSpider))
    origin = "https://www.56-china.com.cn"
    nav = '<a href="/calendar/2005-03.html">上个月</a><a href="/calendar/2005-05.html">下个月</a>'
    full = _page(f"{origin}/calendar/2005-04.html", f'{nav}<a href="/show-case-12.html">x</a>')
    followed = [r for r in spider.parse(full) if "/calendar/" in r.url]
    assert len(followed) == 2 and all(not r.meta.get(EMPTY_DATE_RUN_KEY) for r in followed)
    empty = _page(f"{origin}/calendar/2005-04.html", nav)
    once = [r for r in spider.parse(empty) if "/calendar/" in r.url]
    assert [r.meta[EMPTY_DATE_RUN_KEY] for r in once] == [1, 1]
    twice = _page(f"{origin}/calendar/2005-03.html", nav, **{EMPTY_DATE_RUN_KEY: 1})
    assert not [r for r in spider.parse(twice) if "/calendar/" in r.url]
    assert spider.crawler.stats.get_value("traps/empty_date_pages") == 2


def test_one_page_one_url_across_schemes() -> None:
    schemes = SchemePreference.from_urls(["https://www.56-china.com.cn/", "http://other.example/"])
    assert schemes.canonical("http://www.56-china.com.cn/show-case-1.html") == (
        "https://www.56-china.com.cn/show-case-1.html"
    )
    assert schemes.canonical("http://WWW.56-china.com.cn:80/a?b=1") == "https://WWW.56-china.com.cn/a?b=1"
    assert schemes.canonical("http://www.56-china.com.cn:8080/a") == "http://www.56-china.com.cn:8080/a"
    assert schemes.canonical("https://other.example/x") == "http://other.example/x"
    assert schemes.canonical("https://third.example/x") == "https://third.example/x"


def test_feeds_and_sitemaps_are_read() -> None:
    home = _page("https://h.example/", '<link rel="alternate" type="application/rss+xml" href="/rss.xml">')
    assert feed_links(home) == ["/rss.xml"]
    rss = XmlResponse(
        "https://h.example/rss.xml",
        body=b"<rss><channel><item><link>https://h.example/show-case-9.html</link></item></channel></rss>",
    )
    assert feed_item_links(rss) == ["https://h.example/show-case-9.html"]
    atom = XmlResponse(
        "https://h.example/atom.xml",
        body=b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/show-case-3.html"/></entry></feed>',
    )
    assert feed_item_links(atom) == ["https://h.example/show-case-3.html"]
    index = XmlResponse(
        "https://h.example/sitemap.xml",
        body=b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://h.example/sitemap-1.xml</loc></sitemap></sitemapindex>",
    )
    assert sitemap_locations(index) == [("https://h.example/sitemap-1.xml", True)]
    urlset = XmlResponse(
        "https://h.example/sitemap-1.xml",
        body=b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://h.example/show-case-1.html</loc></url></urlset>",
    )
    assert sitemap_locations(urlset) == [("https://h.example/show-case-1.html", False)]
    html = TextResponse("https://h.example/sitemap.xml", body=b"<html>not found</html>")
    assert sitemap_locations(html) == []


def test_frontier_is_kept_after_a_clean_stop_and_dropped_after_a_kill(tmp_path: Path) -> None:
    jobdir = tmp_path / "frontier"
    assert open_frontier(jobdir, resume=False) is False
    (jobdir / "requests.seen").write_text("abc\n")
    close_frontier(jobdir, finished=False)  # Ctrl-C: kept for --resume
    assert open_frontier(jobdir, resume=True) is True
    assert (jobdir / RUNNING_MARKER).exists()
    # Killed: the marker is still there, so the next resume starts from an empty frontier.
    assert open_frontier(jobdir, resume=True) is False
    (jobdir / "requests.seen").write_text("abc\n")
    close_frontier(jobdir, finished=False)
    assert open_frontier(jobdir, resume=False) is False  # a new run never inherits a frontier
    close_frontier(jobdir, finished=True)
    assert not jobdir.exists()
