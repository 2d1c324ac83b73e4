"""Authors, dates and body agreement: each rule on a small page or line written for the test."""

from __future__ import annotations

import datetime as dt

import pytest

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


def test_label_and_value_in_separate_table_cells() -> None:
    lines = ["发文机关：", "某省人民政府", "成文日期：", "2022年01月27日"]
    byline = parse_byline_lines(lines, cells=frozenset(range(4)))
    assert byline.author == "某省人民政府"
    assert byline.rules["author"] == "byline:发文机关"
    assert parse_byline_lines(lines).author is None  # lines that are not cells do not pair up


def test_disclosure_table_on_a_government_page() -> None:
    table = (
        "<table class='xxgk'><tr><th>索引号：</th><td>000-2022-00001</td><th>发布机构：</th><td>某市人民政府办公室</td></tr>"
        "<tr><th>成文日期：</th><td>2022年03月01日</td><th>发布日期：</th><td>2022年03月02日</td></tr></table>"
    )
    body = f"<h1>测试标题</h1>{table}<div class='c'><p>{PROSE}</p><p>{PROSE}</p></div>"
    result = extract_page(_page(body), "http://www.example.gov.cn/a.html")
    assert (result.author, result.published) == ("某市人民政府办公室", "2022-03-01")  # the document's date


def test_a_foreign_name_keeps_its_original_form_but_not_an_outlet() -> None:
    assert parse_byline("作者： 史密斯 (John Smith)").author == "史密斯 (John Smith)"
    assert parse_byline("作者：王小明（新华社）").author == "王小明"


def test_software_and_photo_credits_are_not_bylines() -> None:
    assert parse_byline("Produced By 某某网络 内容发布系统").author is None
    assert parse_byline("Powered by SomeCMS").author is None
    assert parse_byline("发布时间 2005/03/15 22:36:13 by someone").author is None  # a time is no label
    assert parse_byline("Posted by Jane Doe").author == "Jane Doe"


def test_signature_on_its_own_line_after_the_last_paragraph() -> None:
    body = f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p><p>（张三）</p><p>某大学新闻中心</p></div>"
    result = extract_page(_page(body), "http://example.cn/a.html")
    assert result.author == "张三"
    assert result.rules["author"] == "byline:signature"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("王  浩", "王浩"),
        ("李 强, 张 伟", "李强 张伟"),
        ("欧阳明远", "欧阳明远"),
        ("Jane Smith", "Jane Smith"),
    ],
)
def test_meta_author_names_spaced_to_width(content: str, expected: str) -> None:
    head = f"<meta name='citation_authors' content='{content}'>"
    body = f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p></div>"
    result = extract_page(_page(body, head=head), "http://example.cn/a.html")
    assert (result.author, result.rules["author"]) == (expected, "meta:citation_authors")


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


def test_structured_date_when_the_text_has_none() -> None:
    head = "<meta property='article:published_time' content='2019-06-07'>"
    body = f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p></div>"
    result = extract_page(
        _page(body, head=head), "http://example.cn/a.html", capture_date=dt.date(2024, 1, 1)
    )
    assert (result.published, result.rules["published"]) == ("2019-06-07", "meta:article:published_time")


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
