"""Pages where an eager byline or date rule would misfire: each written for the test, none copied.

A short line under the headline is not always a name, a bracket closing the last paragraph is not
always a signature, and "by" in an English headline is not a byline.
"""

from __future__ import annotations

import pytest

from archive.extract import extract_page
from archive.extract.bylines import parse_byline, trailing_signature
from archive.extract.dates import labelled_date
from archive.extract.names import looks_like_name

PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 3
ENGLISH = "This is a sentence of plain English prose, long enough to count as a paragraph of text. " * 2
URL = "http://example.cn/a.html"


def _page(body: str, title: str = "测试标题_某某网", head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{body}</body></html>".encode()


def _under_headline(line: str, tail: str = "") -> bytes:
    return _page(f"<div class='c'><h1>测试标题</h1><p>{line}</p><p>{PROSE}</p><p>{PROSE}</p>{tail}</div>")


# -- the line under the headline ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "高歌猛进",  # a four-character slogan that starts with a surname character
        "乌鲁木齐",  # a place name
        "北京",
        "新华社",  # an agency
        "本报讯",
        "编者按",  # a heading
        "内容提要",
        "要闻",  # a channel
        "关闭窗口",  # a page control without a link
        "摄影 王五",  # a photographer's credit
    ],
)
def test_a_short_line_under_the_headline_that_is_not_a_name(line: str) -> None:
    assert extract_page(_under_headline(line), URL).author is None


def test_a_one_line_summary_under_the_headline_is_not_a_byline() -> None:
    summary = "今年春节假期，全区接待游客同比增长两成。"
    assert extract_page(_under_headline(summary), URL).author is None


def test_a_personal_name_under_the_headline_is_still_the_author() -> None:
    assert extract_page(_under_headline("张小红"), URL).author == "张小红"
    assert extract_page(_under_headline("欧阳明远"), URL).author == "欧阳明远"
    assert extract_page(_under_headline("买买提·艾力"), URL).author == "买买提·艾力"


def test_a_pen_name_alone_under_the_headline_is_not_taken_without_a_label() -> None:
    body = f"<div class='c'><h1>青禾：山里的春天</h1><p>青禾</p><p>{PROSE}</p><p>{PROSE}</p></div>"
    assert extract_page(_page(body), URL).author is None
    labelled = f"<div class='c'><h1>山里的春天</h1><p>作者：青禾</p><p>{PROSE}</p><p>{PROSE}</p></div>"
    assert extract_page(_page(labelled), URL).author == "青禾"


def test_photo_credit_beside_the_writer_credit() -> None:
    line = parse_byline("文/张三 摄影/王五")
    assert line.author == "张三"
    assert parse_byline("作者：李四 摄影：王五").author == "李四"
    assert parse_byline("文/图 张三").author == "张三"
    assert parse_byline("图/王五").author is None


def test_bracketed_labels_and_reporter_sentences() -> None:
    line = parse_byline("【来源】人民日报【作者】张三 李四")
    assert (line.author, line.source) == ("张三 李四", "人民日报")
    assert parse_byline("记者从市教育局获悉").author is None
    assert parse_byline("记者会上，发言人表示").author is None
    assert parse_byline("本报记者罗某发自北京").author == "罗某"
    assert parse_byline("记者：请问您怎样看待补贴？").author is None  # an interview question


def test_a_reporter_sentence_opening_the_body_is_not_a_byline() -> None:
    body = (
        f"<div class='c'><h1>测试标题</h1><p>记者近日从自治区文化厅获悉</p><p>{PROSE}</p><p>{PROSE}</p></div>"
    )
    result = extract_page(_page(body), URL)
    assert result.author is None
    assert "记者近日从自治区文化厅获悉" in result.text


# -- the bracket closing the last paragraph --------------------------------------------------------


@pytest.mark.parametrize(
    "closing", ["（新华社）", "（本报综合）", "（全文完）", "（央视新闻）", "（据新华社）"]
)
def test_a_closing_bracket_that_is_not_a_person(closing: str) -> None:
    assert trailing_signature(f"推动高质量发展。{closing}").author is None


def test_a_closing_bracket_with_a_reporter_label_or_a_name() -> None:
    assert trailing_signature("推动高质量发展。（总台记者 王某）").author == "王某"
    assert trailing_signature("推动高质量发展。（记者 扎西次仁 通讯员 李四）").author == "扎西次仁 李四"
    assert trailing_signature("推动高质量发展。（刘某某）").author == "刘某某"


def test_names_by_shape() -> None:
    assert looks_like_name("张三") and looks_like_name("扎西次仁") and looks_like_name("司马光")
    assert not any(looks_like_name(word) for word in ("吉林", "人民日报", "朝阳区", "张家界", "文化"))


# -- English ---------------------------------------------------------------------------------------


def test_by_in_an_english_headline_is_not_a_byline() -> None:
    body = f"<article><h1>Man bitten by dog in park</h1><p>{ENGLISH}</p><p>{ENGLISH}</p></article>"
    result = extract_page(_page(body, "Man bitten by dog in park"), "http://example.com/a.html")
    assert result.author is None
    assert parse_byline("Photo by John Smith").author is None
    assert parse_byline("By the end of the year, prices rose").author is None


def test_an_english_byline_line() -> None:
    body = f"<article><h1>Budget agreed</h1><p>By Jane Smith</p><p>{ENGLISH}</p><p>{ENGLISH}</p></article>"
    result = extract_page(_page(body, "Budget agreed"), "http://example.com/a.html")
    assert result.author == "Jane Smith"
    assert parse_byline("By John Smith (Reuters)").author == "John Smith"


def test_template_author_meta_is_not_the_writer() -> None:
    head = "<meta name='author' content='Discuz! Team and Comsenz UI Team'>"
    body = f"<div class='c'><p>{PROSE}</p><p>{PROSE}</p></div>"
    assert extract_page(_page(body, head=head), URL).author is None


# -- dates -----------------------------------------------------------------------------------------


def test_event_and_record_dates_are_not_publication_labels() -> None:
    assert labelled_date("当地时间2020年3月1日，总统发表讲话") is None
    assert labelled_date("发行日期：2001年12月14日") is None
    assert labelled_date("出生日期：1970年1月1日") is None
    assert labelled_date("时间：2005-08-22 19:13") == ("2005-08-22T19:13", "时间")
    assert labelled_date("更新时间：2020-01-02") == ("2020-01-02", "更新时间")
