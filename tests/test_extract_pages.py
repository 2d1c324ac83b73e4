"""Page classification: listings, home pages and calendars are "not-article"; articles stay "ok".

Small pages written for these tests, then the site model, whose every page kind is checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pytest

from archive.extract import Extraction, extract_page, extractor, trafilatura_pass
from archive.extract.agreement import read_apart
from archive.extract.classify import PageShape, not_article_reason, page_shape
from archive.extract.extractor import _parse
from archive.extract.lines import read_lines, text_lines
from sitemodel import pages
from sitemodel.content import build_site

PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 2
NAV = "<ul class='nav'><li><a href='/'>首页</a></li><li><a href='/a'>新闻</a></li><li><a href='/b'>专题</a></li></ul>"
FOOT = "<div class='foot'><p>地址:某市某区某路1号 邮编:100000</p></div>"


def _page(main: str, title: str = "栏目_某某网") -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body>{NAV}{main}{FOOT}</body></html>"
    ).encode()


def _items(count: int, dated: bool = True) -> str:
    rows = "".join(
        f"<li><a href='/n/{n}.html'>第{n}条新闻标题文字</a>{f'<span>2020-03-{n + 1:02d}</span>' if dated else ''}</li>"
        for n in range(count)
    )
    return f"<ul class='list'>{rows}</ul>"


def _shape(html: str) -> PageShape:
    root = _parse(html)
    assert root is not None
    return page_shape(text_lines(read_lines(root)))


def test_title_and_date_rows_are_list_items_not_prose() -> None:
    shape = _shape(f"<html><body>{_items(6)}<p>{PROSE}</p></body></html>")
    assert (shape.item_lines, shape.prose_lines) == (6, 1)


def test_listing_with_dates_is_not_an_article_and_loses_its_date() -> None:
    result = extract_page(_page(f"<div class='main'>{_items(10)}</div>"), "http://example.cn/list/1.html")
    assert result.status == "not-article"
    assert result.published is None and "published" not in result.rules
    assert result.rules["status"] == "shape:no-prose"
    assert any(link.url.endswith("/n/3.html") for link in result.links)  # links are still stored


def _spy_on_trafilatura(monkeypatch: pytest.MonkeyPatch, main_pass_text: str | None = None) -> list[bool]:
    """Record each trafilatura pass's ``fast`` argument; optionally make the main pass (``fast``) read
    other text than the page's article, as it does when it falls on another block of a page."""
    calls: list[bool] = []
    real = extractor.run_trafilatura

    def spy(*args: object, fast: bool = False, **kwargs: object) -> object:
        calls.append(fast)
        found = real(*args, fast=fast, **kwargs)
        if fast and main_pass_text is not None and found is not None:
            return dataclasses.replace(found, text=main_pass_text)
        return found

    monkeypatch.setattr(extractor, "run_trafilatura", spy)
    return calls


ARTICLE = (
    "<div class='main'><h1>某某县召开民族团结进步表彰大会</h1>"
    + "".join(f"<p>{n}{PROSE}</p>" for n in range(6))
    + "</div><div class='side'>"
    + _items(8)
    + "</div>"
)


def test_trafilatura_fallbacks_do_not_run_where_its_main_pass_agrees_with_ours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _spy_on_trafilatura(monkeypatch)
    result = extract_page(_page(ARTICLE), "http://example.cn/n/1.html")
    assert result.status == "ok" and result.rules["body"].startswith("container:")
    assert calls == [True]


def test_trafilatura_fallbacks_break_the_tie_where_its_main_pass_reads_other_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The main pass made to read an unrelated block: the fallbacks run, and their text is the one
    weighed against ours, exactly as when they ran on every page."""
    calls = _spy_on_trafilatura(monkeypatch, main_pass_text="会议通知\n本站声明：转载请注明出处。")
    result = extract_page(_page(ARTICLE), "http://example.cn/n/1.html")
    assert calls == [True, False]
    everywhere = functools.partial(trafilatura_pass.run_trafilatura, fast=False)
    monkeypatch.setattr(extractor, "run_trafilatura", lambda *a, fast=False, **k: everywhere(*a, **k))
    assert extract_page(_page(ARTICLE), "http://example.cn/n/1.html") == result


def test_trafilatura_fallbacks_never_run_on_a_page_without_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of titles has no prose to rescue, and is not-article whatever the fallbacks return."""
    calls = _spy_on_trafilatura(monkeypatch, main_pass_text="另一段毫不相干的文字")
    result = extract_page(_page(f"<div class='main'>{_items(10)}</div>"), "http://example.cn/list/1.html")
    assert calls == [True]
    assert result.status == "not-article" and "trafilatura_fallbacks_skipped" not in result.diagnostics


@pytest.mark.parametrize(
    ("ours", "theirs", "apart"),
    [
        (["民族团结进步示范州"], "民族团结进步示范州", False),
        (["民族团结进步示范州，海西州被命名"], "民族团结进步示范州", False),  # one holds the other
        (["民族团结进步示范州"], "本站声明转载请注明出处", True),
        (["民族团结进步示范州"], None, True),
        ([], "民族团结进步示范州", True),
    ],
)
def test_two_bodies_read_apart_when_neither_holds_half_the_other(
    ours: list[str], theirs: str | None, apart: bool
) -> None:
    assert read_apart(ours, theirs) is apart


def test_calendar_of_bare_links_is_not_an_article() -> None:
    main = f"<h1>往期回顾:2018年5月</h1>{_items(4, dated=False)}<div><a href='/c/4'>上个月</a><a href='/c/6'>下个月</a></div>"
    assert extract_page(_page(main), "http://example.cn/c/5.html").status == "not-article"


def test_intro_above_a_long_list_is_a_listing() -> None:
    main = f"<h1>专题</h1><p>本专题汇集本刊关于民族团结进步的报道。</p>{_items(12)}"
    result = extract_page(_page(main), "http://example.cn/topic.html")
    assert result.status == "not-article"
    assert result.rules["status"] == "shape:listing"


def test_article_with_a_related_list_stays_an_article() -> None:
    main = f"<h1>测试标题</h1><div>发布时间:2021-03-04</div><div class='c'><p>{PROSE}</p><p>{PROSE}</p></div>{_items(8)}"
    result = extract_page(_page(main, "测试标题_某某网"), "http://example.cn/a.html")
    assert result.status == "ok"
    assert result.published == "2021-03-04"


def test_verse_without_punctuation_stays_an_article() -> None:
    verse = "".join(f"<p>第{n}行诗句写在这里没有标点符号</p>" for n in range(10))
    result = extract_page(
        _page(f"<h1>小诗</h1><div class='poem'>{verse}</div>", "小诗_某某网"), "http://example.cn/p.html"
    )
    assert result.status == "ok"


def test_reason_thresholds() -> None:
    assert not_article_reason(PageShape(0, 0, 3, 60)) is not None
    assert not_article_reason(PageShape(0, 0, 0, 0, plain_chars=200)) is None
    assert not_article_reason(PageShape(1, 30, 5, 150)) is not None
    assert not_article_reason(PageShape(4, 400, 20, 600)) is None


# -- the site model ------------------------------------------------------------------------------

BASE = "http://www.56-china.com.cn"
CAPTURE = dt.date(2025, 6, 1)


def _model(html: str, path: str, encoding: str = "utf-8") -> Extraction:
    body = html.encode("gbk" if encoding == "gbk" else "utf-8", errors="xmlcharrefreplace")
    return extract_page(body, BASE + path, capture_date=CAPTURE)


@pytest.mark.parametrize("version", [1, 2])
def test_every_model_article_is_ok_with_exact_fields(version: int) -> None:
    site = build_site(version)
    for article in site.articles:
        result = _model(pages.render_article(site, article), article.path, article.encoding)
        assert result.status == "ok", (article.path, result.error)
        assert result.title == article.title
        assert result.published == article.date
        assert tuple(result.paragraphs) == article.paragraphs, article.path
        assert tuple(image.caption for image in result.images) == article.captions, article.path


def test_model_listings_home_and_calendar_are_not_articles() -> None:
    site = build_site(1)
    rendered = [(pages.render_home(site), "/"), (pages.render_topic(site), "/topic.html")]
    for channel in site.channels:
        for page in range(1, site.page_count(channel) + 1):
            rendered.append((pages.render_listing(site, channel, page), channel.listing_path(page)))
    for year, month in ((2018, 5), (2030, 1)):
        day = dt.date(year, month, 1)
        rendered.append((pages.render_calendar(site, year, month), pages.calendar_path(day)))
    for html, path in rendered:
        result = _model(html, path)
        assert result.status == "not-article", path
        assert result.published is None, path
