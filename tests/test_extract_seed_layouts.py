"""The seed article in page layouts the site model does not use, with each image's caption as a line
under the picture (no alt text): an old GBK table layout, ``<br>``-separated lines, centred paragraphs,
and ``<figure>``. Every field must come out as the gold says, captions included.

The templates are written here; the text is the seed's (../shared/seed/article.txt), read as
tests/test_extract_seed.py reads it.
"""

from __future__ import annotations

import html
import json

import pytest

from archive.extract import extract_page
from tests.test_extract_seed import CAPTURE, SEED_DIR, URL, _seed


def _is_image(line: str) -> bool:
    return line.endswith(".jpg")


def _is_heading(line: str) -> bool:
    return not line[0].isspace()


def _image_src(number: int) -> str:
    return f"/uploadfile/2018/0518/20180518101512_{number}.jpg"


def _table_body(body: list[str]) -> str:
    """An old CMS: paragraphs in a cell, each picture in a small table with its caption in the row below."""
    out = []
    for number, line in enumerate(body, start=1):
        text = html.escape(line)
        if _is_image(line):
            out.append(
                f'<table align="center" border="0"><tr><td><img src="{_image_src(number)}" border="0"></td></tr>'
                f'<tr><td align="center"><font size="2">{text}</font></td></tr></table>'
            )
        elif _is_heading(line):
            out.append(f"<p><b>{text}</b></p>")
        else:
            out.append(f"<p>{text}</p>")
    return "\n".join(out)


def _br_body(body: list[str]) -> str:
    """One block of text lines split by <br>: the caption is the line after the picture's <br>."""
    out = []
    for number, line in enumerate(body, start=1):
        text = html.escape(line)
        if _is_image(line):
            out.append(f'<img src="{_image_src(number)}">')
            out.append(text)
        elif _is_heading(line):
            out.append(f"<strong>{text}</strong>")
        else:
            out.append(text)
    return "<br>\n".join(out)


def _centred_body(body: list[str]) -> str:
    out = []
    for number, line in enumerate(body, start=1):
        text = html.escape(line)
        if _is_image(line):
            out.append(f'<p style="text-align:center"><img src="{_image_src(number)}"></p>')
            out.append(f'<p style="text-align:center">{text}</p>')
        elif _is_heading(line):
            out.append(f"<h3>{text}</h3>")
        else:
            out.append(f"<p>{text}</p>")
    return "\n".join(out)


def _figure_body(body: list[str]) -> str:
    out = []
    for number, line in enumerate(body, start=1):
        text = html.escape(line)
        if _is_image(line):
            out.append(f'<figure><img src="{_image_src(number)}"><figcaption>{text}</figcaption></figure>')
        elif _is_heading(line):
            out.append(f"<p><strong>{text}</strong></p>")
        else:
            out.append(f"<p>{text}</p>")
    return "\n".join(out)


def _subscription(lines: list[str], joiner: str) -> str:
    return joiner.join(html.escape(line) for line in lines)


def render(layout: str) -> tuple[bytes, str]:
    """(bytes, content type) of the seed in one of the layouts."""
    breadcrumb, title, date_line, body, subscription = _seed()
    channel = breadcrumb.split(">")[-1].strip()
    position = (
        f'您现在所在位置:<a href="/">首页</a> &gt; <a href="/list-case-3-1.html">{html.escape(channel)}</a>'
    )
    head = f"<title>{html.escape(title)}_中国民族杂志社</title>"
    if layout == "table-gbk":
        page = (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"{head}</head><body>"
            '<table width="778" align="center"><tr><td><a href="/">首页</a> | <a href="/list-case-3-1.html">示范创建</a>'
            ' | <a href="/list-case-4-1.html">关注</a></td></tr></table>'
            '<table width="778" align="center"><tr><td width="180" valign="top"><a href="/a">往期目录</a><br>'
            '<a href="/b">本刊简介</a></td><td valign="top"><table width="100%">'
            f"<tr><td>{position}</td></tr>"
            f'<tr><td align="center"><font size="4"><b>{html.escape(title)}</b></font></td></tr>'
            f'<tr><td align="center">{html.escape(date_line)}&nbsp;&nbsp;点击数:1024</td></tr>'
            f"<tr><td>{_table_body(body)}</td></tr>"
            f"<tr><td>{_subscription(subscription, '<br>')}</td></tr>"
            "</table></td></tr></table>"
            '<table width="778" align="center"><tr><td align="center">版权所有 中国民族杂志社</td></tr></table>'
            "</body></html>"
        )
        return page.encode("gbk", errors="xmlcharrefreplace"), "text/html"
    if layout == "br":
        content = _br_body(body)
        after = f'<div class="sub">{_subscription(subscription, "<br>")}</div>'
    elif layout == "centred":
        content = _centred_body(body)
        after = "".join(f"<p>{html.escape(line)}</p>" for line in subscription)
    else:
        content = _figure_body(body)
        after = "".join(f"<p>{html.escape(line)}</p>" for line in subscription)
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>'
        '<div class="top"><a href="/">首页</a> <a href="/list-case-3-1.html">示范创建</a></div>'
        f'<div class="crumbs">{position}</div>'
        f'<div class="wrap"><h2 class="art-title">{html.escape(title)}</h2>'
        f'<p class="meta">{html.escape(date_line)}</p><div class="art-body">{content}</div>{after}</div>'
        '<div class="foot">版权所有 中国民族杂志社</div></body></html>'
    )
    return page.encode("utf-8"), "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((SEED_DIR / "article.gold.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("layout", ["table-gbk", "br", "centred", "figure"])
def test_seed_with_captions_under_the_pictures(layout: str, gold: dict) -> None:
    body, content_type = render(layout)
    result = extract_page(body, URL, content_type=content_type, capture_date=CAPTURE)
    assert result.status == "ok", result.error
    assert result.title == gold["title"]
    assert result.published == gold["date_published"]
    assert result.breadcrumb == gold["breadcrumb"]
    assert result.section == gold["section"]
    assert [image.caption for image in result.images] == gold["image_captions"]
    assert all(image.alt is None for image in result.images)
    assert result.paragraphs == gold["body_paragraphs"]
    assert result.section_headings == gold["section_headings"]
    subscriptions = [block for block in result.boilerplate if block.kind == "subscription"]
    assert [list(block.paragraphs) for block in subscriptions] == [
        gold["boilerplate_subscription_paragraphs"]
    ]


def test_a_picture_without_a_caption_line_or_alt_has_no_caption() -> None:
    prose = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 3
    page = (
        "<html><head><meta charset='utf-8'><title>某某标题_某某网</title></head><body><div class='c'>"
        f"<p>{prose}</p><p><img src='/a.jpg'></p><p>{prose}</p><p><img src='/b.jpg' title='草原'></p>"
        f"<p><strong>第二部分</strong></p><p>{prose}</p></div></body></html>"
    ).encode()
    result = extract_page(page, "http://example.cn/a.html")
    assert [image.caption for image in result.images] == [None, "草原"]
    assert "第二部分" in result.paragraphs


def test_a_descriptive_caption_is_the_images_and_stays_in_the_text() -> None:
    prose = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 3
    caption = "图为牧民在新建的合作社里挑选羊毛。"
    page = (
        "<html><head><meta charset='utf-8'><title>某某标题_某某网</title></head><body><div class='c'>"
        f"<p>{prose}</p><p align='center'><img src='/a.jpg' alt='IMG_0001.jpg'></p><p align='center'>{caption}</p>"
        f"<p>{prose}</p><p><img src='/b.jpg'><br>草原一角 李四/摄</p><p>{prose}</p></div></body></html>"
    ).encode()
    result = extract_page(page, "http://example.cn/a.html")
    assert [image.caption for image in result.images] == [caption, "草原一角 李四/摄"]
    assert caption in result.paragraphs  # a reader reads it: it stays searchable
    assert "草原一角 李四/摄" not in result.text  # a credit says nothing of its own
