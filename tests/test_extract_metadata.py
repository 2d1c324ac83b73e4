"""Authors, dates and body agreement: each rule on a small page or line written for the test."""

from __future__ import annotations

import datetime as dt

from archive.extract import extract_page
from archive.extract.agreement import reconcile
from archive.extract.bylines import bare_name, parse_byline, parse_byline_lines
from archive.extract.dates import labelled_date

PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 3
ENGLISH = "This is a sentence of plain English prose, long enough to count as a paragraph of text. " * 2


def _page(body: str, title: str = "测试标题_某某网", head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{body}</body></html>".encode()


# -- authors --------------------------------------------------------------------------------------


def test_bare_name_line_under_the_headline() -> None:
    body = f"<div class='c'><h1>测试标题</h1><p>王小明</p><p>{PROSE}</p><p>{PROSE}</p></div>"
    result = extract_page(_page(body), "http://example.cn/a.html")
    assert result.author == "王小明"
    assert result.rules["author"] == "byline:bare-name"


def test_bare_name_under_an_opening_heading_when_the_title_tag_says_nothing() -> None:
    body = f"<div class='c'><p>论文化自信</p><p>李四</p><p>{PROSE}</p><p>{PROSE}</p></div>"
    assert extract_page(_page(body, "显示"), "http://example.cn/a.html").author == "李四"


def test_a_heading_word_at_the_top_of_the_body_is_not_a_name() -> None:
    assert bare_name("前言").author is None
    body = f"<div class='c'><p>人物画像</p><p>{PROSE}</p><p>{PROSE}</p></div>"
    assert extract_page(_page(body, "显示"), "http://example.cn/a.html").author is None


def test_organisation_author_with_label_and_value_in_separate_cells() -> None:
    lines = ["发文机关：", "某省人民政府", "成文日期：", "2022年01月27日"]
    byline = parse_byline_lines(lines)
    assert byline.author == "某省人民政府"
    assert byline.rules["author"] == "byline:发文机关"


def test_name_with_bracketed_alternate_is_kept_whole() -> None:
    assert parse_byline("作者： 王小明 (Wang Xiaoming)").author == "王小明 (Wang Xiaoming)"
    assert parse_byline("作者：王小明（新华社）").author == "王小明"


def test_software_credits_are_not_bylines_but_by_after_a_date_is() -> None:
    assert parse_byline("Produced By 某某网络 内容发布系统").author is None
    assert parse_byline("Powered by SomeCMS").author is None
    assert parse_byline("发布时间 2005/03/15 22:36:13 by someone").author == "someone"


def test_signature_on_its_own_line_after_the_last_paragraph() -> None:
    body = f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p><p>（张三）</p><p>某大学新闻中心</p></div>"
    result = extract_page(_page(body), "http://example.cn/a.html")
    assert result.author == "张三"
    assert result.rules["author"] == "byline:signature"


def test_citation_author_meta_with_spaced_out_name() -> None:
    head = "<meta name='citation_authors' content='赵  培'>"
    body = f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p></div>"
    result = extract_page(_page(body, head=head), "http://example.cn/a.html")
    assert (result.author, result.rules["author"]) == ("赵培", "meta:author")


def test_photo_credit_with_reporter_label_stays_a_caption() -> None:
    body = (
        f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p>"
        "<p><img src='/p.jpg' alt='p.jpg'></p><p>古城街景 通讯员 刘某/摄</p><p>短的结尾段落，收束全文。</p></div>"
    )
    result = extract_page(_page(body), "http://example.cn/a.html")
    assert [image.caption for image in result.images] == ["古城街景 通讯员 刘某/摄"]
    assert result.author is None


# -- dates ----------------------------------------------------------------------------------------


def test_reference_access_dates_are_not_publication_dates() -> None:
    assert labelled_date("某新闻网[引用日期2014-05-19]") is None
    assert labelled_date("访问日期：2014-05-19") is None
    assert labelled_date("发布日期：2014-05-19") == ("2014-05-19", "发布日期")


def test_htmldate_is_asked_only_when_the_text_has_no_date() -> None:
    head = "<meta property='article:published_time' content='2019-06-07'>"
    body = f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p></div>"
    result = extract_page(
        _page(body, head=head), "http://example.cn/a.html", capture_date=dt.date(2024, 1, 1)
    )
    assert (result.published, result.rules["published"]) == ("2019-06-07", "htmldate")


# -- body -----------------------------------------------------------------------------------------


def test_latin_script_disagreement_goes_to_trafilatura_chinese_stays_with_the_vote() -> None:
    english_ours, english_theirs = ["Comments: great post", "Reply"], ENGLISH
    assert reconcile(english_ours, english_theirs).rule == "trafilatura:latin-script"
    chinese_ours, chinese_theirs = [PROSE], "评论：写得好，支持一下这篇文章的观点和作者的努力。"
    assert reconcile(chinese_ours, chinese_theirs).rule == "vote"


def test_a_comment_inside_a_paragraph_does_not_cut_it() -> None:
    paragraph = "The council met on Monday <!-- ad slot --> and agreed the new budget for the coming year."
    body = f"<article><p>{paragraph}</p><p>{ENGLISH}</p><p>{ENGLISH}</p></article>"
    result = extract_page(_page(body, "Budget"), "http://example.com/a.html")
    assert "The council met on Monday and agreed the new budget" in " ".join(result.text.split())
