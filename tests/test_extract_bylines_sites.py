"""Authors, sources, editors and dates on small pages in the manner of many unrelated sites.

Each page is written for the test (names and text invented) after a byline convention that many sites
share: Xinhua's and the party papers' bracketed signatures, portals' 责任编辑 lines with staff codes,
Taiwan dailies' 記者某某／台北報導, a news agency's dateline, JSON-LD of either type, ``<meta>`` authors
filled with the portal's name, a profile URL or a contact address, comment forms. No page is copied.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from archive.extract import extract_page
from archive.extract.bylines import parse_byline, trailing_signature
from archive.extract.names import person_names

PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 3
TRAD = "這是一段用於測試的正文內容，講述了地方經濟發展與社區營造的具體做法。" * 3
URL = "http://news.example.cn/2024-05/20/c_1.htm"


def _page(header: str, body: str, *, head: str = "", title: str = "测试标题", tail: str = "") -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_某某新闻网</title>{head}</head><body>"
        f"<div class='nav'><a href='/'>首页</a> <a href='/a'>要闻</a></div>"
        f"<div class='article'><h1>{title}</h1><div class='info'>{header}</div>"
        f"<div class='content'>{body}</div>{tail}</div>"
        "<div class='foot'><p>版权所有 某某新闻网</p></div></body></html>"
    ).encode()


def _body(*extra: str, prose: str = PROSE) -> str:
    return f"<p>{prose}</p><p>{prose}</p>" + "".join(f"<p>{line}</p>" for line in extra)


def _json_ld(author: object, published: str = "2024-05-20T09:30:00+08:00") -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "author": author,
        "datePublished": published,
    }
    return f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script>"


# -- authors: labelled lines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "body", "author", "source", "editor"),
    [
        # a wire service: source and time in the header, reporters signing the last paragraph
        (
            "来源：新华网 | 2024-05-20 09:30:00",
            _body(f"{PROSE}（记者 张晓东 李青）", "【责任编辑:王芳】"),
            "张晓东 李青",
            "新华网",
            "王芳",
        ),
        # a party paper: the reporter's two-character name spaced to the width of three
        ("本报记者  王  浩", _body(), "王浩", None, None),
        # a portal: no author, an editor with a staff code, the portal's name in the meta author
        ("2024年05月20日 14:33 某某晚报", _body("责任编辑：张明 SF099"), None, None, "张明"),
        # a regional site: author, source and editor on one line
        ("作者：刘一鸣　来源：某某日报　责任编辑：陈静", _body(), "刘一鸣", "某某日报", "陈静"),
        # a magazine: 文/ and a photographer who is not the writer
        ("文/赵小川 摄影/钱明", _body(), "赵小川", None, None),
        # a column: the job title printed in front of the name
        ("作者：专栏作者 孙立平", _body(), "孙立平", None, None),
        ("作者：某某大学经济学院教授 周文", _body(), "周文", None, None),
        # an opinion page: title and name run together
        ("作者：研究员吴天明", _body(), "吴天明", None, None),
        # an agency reporter with the outlet in front
        ("新华社记者 马丽 郑重", _body(), "马丽 郑重", "新华社", None),
    ],
)
def test_simplified_bylines(header: str, body: str, author, source, editor) -> None:
    head = "<meta name='author' content='某某晚报'>"
    result = extract_page(_page(header, body, head=head), URL)
    assert (result.author, result.source, result.editor) == (author, source, editor)


@pytest.mark.parametrize(
    ("header", "body", "author"),
    [
        # a Taiwan daily: reporter, slash, the place the report was filed from
        ("記者林志明／台北報導", _body(prose=TRAD), "林志明"),
        ("2024-05-20 09:30 經濟日報 記者林志明／台北即時報導", _body(prose=TRAD), "林志明"),
        # a Taiwan daily: the byline opening the body in brackets
        ("2024/05/20", _body(prose=f"〔記者王大同／台北報導〕{TRAD}"), "王大同"),
        # a news agency: reporter, place and day of the dateline run together
        ("2024/05/20", _body(prose=f"（中央社記者陳小華台北20日電）{TRAD}"), "陳小華"),
        # a Hong Kong weekly: 文／ with a full-width slash, and a photographer
        ("文／張美玲　攝影／李國強", _body(prose=TRAD), "張美玲"),
        # an editor only: never the author
        ("2024-05-20", _body(prose=TRAD) + "<p>責任編輯：黃小芬</p>", None),
    ],
)
def test_traditional_bylines(header: str, body: str, author) -> None:
    head = "<meta name='author' content='經濟日報'><meta property='og:site_name' content='經濟日報'>"
    result = extract_page(_page(header, body, head=head, title="測試標題"), URL)
    assert result.author == author


def test_a_taiwan_byline_leaves_the_paper_out() -> None:
    line = parse_byline("聯合報／記者李小龍／台北報導")
    assert line.author == "李小龍"
    assert parse_byline("〔記者王大同／台北報導〕").author == "王大同"
    assert trailing_signature(f"{TRAD}（記者王大同／台北報導）").author == "王大同"


def test_signature_closing_the_article_in_either_script() -> None:
    assert trailing_signature("推动高质量发展。（本报记者 赵六）").author == "赵六"
    assert trailing_signature("推動高品質發展。（記者 趙六）").author == "趙六"
    assert trailing_signature("推动高质量发展。（通讯员 钱七 记者 孙八）").author == "钱七 孙八"
    assert trailing_signature("推动高质量发展。（据新华社）").author is None


# -- authors: what names no person -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "新浪财经",  # a portal
        "每日经济新闻",
        "經濟日報",  # a paper, in Traditional
        "sina_mobile",  # a user id
        "103553",
        "https://www.facebook.com/examplenews",  # a social-media page
        "佚名",  # "author unknown"
        "匿名网友",
        "Your Name",  # a form's placeholder
        "name@example.com",
        "专栏作者",  # a job title alone
        "网络",  # "the internet", as reprint sites fill the field
        "原创",
        "张三的博客",  # a blog's name
    ],
)
def test_values_that_name_no_person(value: str) -> None:
    assert person_names(value, labelled=False) is None
    head = f"<meta name='author' content='{value}'><meta property='article:author' content='{value}'>"
    result = extract_page(_page("2024-05-20", _body(), head=head), URL)
    assert result.author is None


def test_the_site_name_is_not_the_author_even_when_labelled() -> None:
    head = "<meta property='og:site_name' content='某某新闻网'>"
    result = extract_page(_page("作者：某某新闻网 2024-05-20", _body("责任编辑：李华"), head=head), URL)
    assert (result.author, result.editor) == (None, "李华")


def test_a_user_id_gives_way_to_the_name_beside_it() -> None:
    assert parse_byline("作者：zhang_san88（张三）").author == "张三"
    assert parse_byline("作者：user12345").author is None


def test_comment_form_placeholders_are_not_bylines() -> None:
    form = (
        "<form action='/comment'><p>昵称：匿名网友</p><p>作者：张三</p><p>邮箱：name@example.com</p>"
        "<p><textarea>说两句吧</textarea></p></form>"
    )
    head = "<meta name='author' content='张三, name@example.com'>"
    result = extract_page(_page("2024-05-20", _body(), head=head, tail=form), URL)
    assert result.author is None


def test_json_ld_person_is_the_author_organization_is_not() -> None:
    person = _json_ld({"@type": "Person", "name": "何晓光"})
    result = extract_page(_page("2024-05-20", _body(), head=person), URL)
    assert (result.author, result.rules["author"]) == ("何晓光", "json-ld:author")
    organisation = _json_ld({"@type": "Organization", "name": "某某日报社"})
    assert extract_page(_page("2024-05-20", _body(), head=organisation), URL).author is None
    several = _json_ld([{"@type": "Person", "name": "何晓光"}, {"@type": "Person", "name": "Jane Smith"}])
    assert extract_page(_page("2024-05-20", _body(), head=several), URL).author == "何晓光 Jane Smith"


def test_a_visible_byline_comes_before_the_meta_author() -> None:
    head = "<meta name='author' content='李编辑'>"
    result = extract_page(_page("作者：王小丫 2024-05-20", _body(), head=head), URL)
    assert (result.author, result.rules["author"]) == ("王小丫", "byline:作者")


def test_a_meta_author_who_is_the_pages_editor_is_not_the_author() -> None:
    head = "<meta name='author' content='肖明'>"
    result = extract_page(_page("作者： 2024-05-20", _body("[责任编辑:肖明]"), head=head), URL)
    assert (result.author, result.editor) == (None, "肖明")


def test_more_credit_forms() -> None:
    assert parse_byline("圖、文／張美玲").author == "張美玲"
    assert parse_byline("撰文者：李國強").author == "李國強"


def test_meta_author_when_the_page_prints_no_byline() -> None:
    head = "<meta name='author' content='郑海涛'>"
    result = extract_page(_page("2024-05-20", _body(), head=head), URL)
    assert (result.author, result.rules["author"]) == ("郑海涛", "meta:author")


# -- dates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "capture", "expected", "rule"),
    [
        ("3小时前 来源：某某晚报", dt.datetime(2024, 5, 20, 10, 0), "2024-05-20T07:00", "text:relative"),
        ("30分钟前", dt.datetime(2024, 5, 20, 0, 10), "2024-05-19T23:40", "text:relative"),
        ("昨天 10:30", dt.date(2024, 5, 20), "2024-05-19T10:30", "text:relative"),
        ("2天前", dt.date(2024, 5, 20), "2024-05-18", "text:relative"),
        ("05-18 10:30 來源：某某日報", dt.date(2024, 5, 20), "2024-05-18T10:30", "text:partial"),
        ("12月30日 08:00", dt.date(2024, 1, 5), "2023-12-30T08:00", "text:partial"),
    ],
)
def test_relative_and_partial_dates_against_the_capture(
    header: str, capture, expected: str, rule: str
) -> None:
    result = extract_page(_page(header, _body()), "http://news.example.cn/a/1.html", capture_date=capture)
    assert (result.published, result.rules["published"]) == (expected, rule)


def test_partial_date_takes_its_year_from_the_url_without_a_capture_date() -> None:
    result = extract_page(_page("05-18 10:30", _body()), URL)
    assert result.published == "2024-05-18T10:30"


def test_header_date_before_dates_in_the_text() -> None:
    body = _body("更新时间：2024-06-01", "附：2023年1月1日起施行的规定")
    result = extract_page(_page("2024-05-20 09:30", body), URL, capture_date=dt.date(2024, 7, 1))
    assert (result.published, result.rules["published"]) == ("2024-05-20T09:30", "text:near-title")


def test_structured_date_when_the_page_prints_none() -> None:
    head = _json_ld({"@type": "Person", "name": "何晓光"}, published="2024-05-20T09:30:00+08:00")
    result = extract_page(
        _page("", _body(), head=head), "http://news.example.cn/a/1.html", capture_date=dt.date(2024, 7, 1)
    )
    assert (result.published, result.rules["published"]) == ("2024-05-20T09:30:00", "json-ld:datePublished")
    meta = "<meta name='publishdate' content='20240520'>"
    result = extract_page(_page("", _body(), head=meta), "http://news.example.cn/a/1.html")
    assert (result.published, result.rules["published"]) == ("2024-05-20", "meta:publishdate")


def test_the_time_of_day_is_kept_from_structured_data() -> None:
    head = "<meta property='article:published_time' content='2024-05-20T09:30:00+08:00'>"
    result = extract_page(_page("2024年5月20日", _body(), head=head), URL)
    assert result.published == "2024-05-20T09:30:00"
    midnight = "<meta property='article:published_time' content='2024-05-20 00:00:00'>"
    assert extract_page(_page("2024年5月20日", _body(), head=midnight), URL).published == "2024-05-20"


def test_the_issue_a_reprint_cites() -> None:
    body = _body("——原载《某某评论》2001年7月号")
    result = extract_page(_page("", body), "http://example.cn/a.html")
    assert (result.published, result.rules["published"]) == ("2001-07", "text:issue")


def test_a_relative_date_without_a_capture_time_stays_unknown() -> None:
    result = extract_page(_page("3小时前", _body()), URL)
    assert result.rules.get("published") != "text:relative"
