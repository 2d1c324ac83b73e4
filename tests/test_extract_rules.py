"""Each generic rule on a small page written for the test (no eval pages copied)."""

from __future__ import annotations

import datetime as dt

from archive.extract import ExtractOptions, extract_page
from archive.extract.agreement import reconcile
from archive.extract.bylines import parse_byline, trailing_signature
from archive.extract.charset import decode_html
from archive.extract.dates import labelled_date, parse_date
from archive.extract.titles import choose_title, strip_site_suffix

PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 3


def _page(body: str, title: str = "测试标题_某某网", head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{body}</body></html>".encode()


def test_charset_prefers_valid_utf8_over_stale_declaration() -> None:
    body = "<html><head><meta charset='gb2312'></head><body>民族团结</body></html>".encode()
    decoded = decode_html(body, "text/html; charset=gb2312")
    assert "民族团结" in decoded.text and decoded.rule == "valid-utf-8"


def test_charset_gbk_label_decodes_as_gb18030() -> None:
    body = "<html><body>镕基 民族</body></html>".encode("gb18030")
    decoded = decode_html(body, "text/html; charset=gb2312")
    assert decoded.encoding == "gb18030" and "镕基" in decoded.text


def test_dates_chinese_forms_and_capture_bound() -> None:
    assert parse_date("2018年5月18日") == "2018-05-18"
    assert labelled_date("发布时间：2022年02月11日 09:52") == ("2022-02-11T09:52", "发布时间")
    assert parse_date("2030-01-01", latest=dt.date(2024, 1, 1)) is None


def test_date_from_labelled_line_ignores_related_list() -> None:
    body = (
        f"<h1>测试标题</h1><div>来源:某报 发布时间:2021-03-04 08:30</div><div class='c'><p>{PROSE}</p></div>"
        "<div><h3>相关文章</h3><ul><li><a href='/a'>另一篇文章 发布时间:2023-01-01</a></li></ul></div>"
    )
    result = extract_page(_page(body), "http://example.cn/a.html", capture_date=dt.date(2024, 1, 1))
    assert result.published == "2021-03-04T08:30"
    assert result.rules["published"] == "text:发布时间"
    assert result.source == "某报"


def test_bylines() -> None:
    line = parse_byline("来源:人民日报  作者:张三 李四  责任编辑:王五")
    assert (line.author, line.source, line.editor) == ("张三 李四", "人民日报", "王五")
    assert parse_byline("本报记者 王建宏 张文攀").author == "王建宏 张文攀"
    assert parse_byline("文/胡平").author == "胡平"
    assert parse_byline("文化建设不断推进").author is None
    assert trailing_signature("推动高质量发展。（记者 张三）").author == "张三"
    assert trailing_signature("如下所示（见图）").author is None


def test_titles() -> None:
    assert strip_site_suffix("海西州的变化_民族_中国民族杂志社") == "海西州的变化"
    assert strip_site_suffix("创建,永远在路上——青海-新华网") == "创建,永远在路上——青海"
    assert choose_title("长标题的完整版本|人民网", ["网站导航", "长标题的完整版本"]) == (
        "长标题的完整版本",
        "title:heading-matches-title-tag",
    )


def test_br_lines_caption_and_heading_in_a_table_cell() -> None:
    body = (
        "<table><tr><td>导航</td></tr><tr><td>"
        f"<img src='pic.jpg' alt='a.jpg'><br>县城一角 新华社记者 张三/摄<br><b>第一部分</b><br>{PROSE}<br>{PROSE}"
        "</td></tr></table>"
    )
    result = extract_page(_page(body), "http://example.cn/news/1.html")
    assert result.paragraphs == ["第一部分", PROSE, PROSE]
    assert result.section_headings == ["第一部分"]
    assert [(i.src, i.caption, i.alt) for i in result.images] == [
        ("http://example.cn/news/pic.jpg", "县城一角 新华社记者 张三/摄", "a.jpg")
    ]


def test_copyright_and_share_lines_leave_the_body() -> None:
    body = f"<div><p>{PROSE}</p><p>{PROSE}</p><p>分享到：微信 微博</p></div><div class='foot'><p>版权所有 某某网</p></div>"
    result = extract_page(_page(body), "http://example.cn/x.html")
    assert result.paragraphs == [PROSE, PROSE]
    assert {block.kind for block in result.boilerplate} == {"share", "copyright"}


def test_reconcile_trims_with_trafilatura_and_recovers_fragments() -> None:
    ours = ["第一段正文内容比较长。", "广告：欢迎购买某某产品，价格优惠。", "第二段正文内容比较长。"]
    trimmed = reconcile(ours, "第一段正文内容比较长。\n第二段正文内容比较长。")
    assert trimmed.lines == [ours[0], ours[2]] and trimmed.rule == "vote∩trafilatura"
    fragment = reconcile(["第一段。"], "第一段。\n" + "后面还有很多很多的正文内容。" * 5)
    assert fragment.rule == "trafilatura:vote-was-fragment"


def test_bad_input_never_raises() -> None:
    assert extract_page(b"", "http://x/").status == "empty"
    assert extract_page(b"\x00\x01\x02\xff" * 100, "http://x/").status == "not-article"
    assert extract_page(b"<html><body><p>hi</p></body></html>", "http://x/").status == "not-article"
    assert extract_page(b"\x89PNG....", "http://x/", content_type="image/png").status == "not-article"
    broken = extract_page(b"<html><div><p>" + PROSE.encode("gbk") + b"<td></table>", "http://x/")
    assert broken.status == "ok" and PROSE in broken.text


def test_unknown_profile_is_an_error_status() -> None:
    result = extract_page(_page(f"<p>{PROSE}</p>"), "http://x/", options=ExtractOptions(profile="nope"))
    assert result.status == "error" and "unknown extraction profile" in (result.error or "")
