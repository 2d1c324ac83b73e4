"""The seed article, served in the documented page shape and in template variants, extracts to the gold."""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.extract import ExtractOptions, extract_page

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"
URL = "http://www.56-china.com.cn/show-case-1616.html"
CAPTURE = dt.date(2024, 6, 1)
SUBSCRIPTION_MARK = "欢迎订阅《中国民族》杂志"
ATTACHMENT_LINE = "订阅下载:2024年《中国民族》杂志订阅单"


@dataclass(frozen=True)
class Variant:
    layout: str = "div"  # "div" or "table"
    lines: str = "p"  # "p" (one paragraph per line) or "br" (lines split by <br>)
    encoding: str = "utf-8"  # or "gbk" (declared gb2312, like the site's older pages)
    subscription: str = "outside"  # "outside" the body container, or "inside" it

    @property
    def id(self) -> str:
        return f"{self.layout}-{self.lines}-{self.encoding}-{self.subscription}"


def _seed() -> tuple[str, str, str, list[str], list[str]]:
    lines = (SEED_DIR / "article.txt").read_text(encoding="utf-8").split("\n")
    breadcrumb, title, date_line = lines[0], lines[1], lines[2]
    rest = lines[3:]
    cut = rest.index(SUBSCRIPTION_MARK)
    body = [line for line in rest[:cut] if line.strip()]
    subscription = [line for line in rest[cut:] if line.strip()]
    return breadcrumb, title, date_line, body, subscription


def _body_html(body: list[str], lines: str) -> list[str]:
    out = []
    for number, line in enumerate(body, start=1):
        if line.endswith(".jpg"):
            img = f'<img src="/uploadfile/2018/0518/20180518101512_{number}.jpg" alt="{html.escape(line)}">'
            out.append(f'<p style="text-align: center;">{img}</p>' if lines == "p" else img)
        elif not line[0].isspace():
            out.append(
                f"<p><strong>{html.escape(line)}</strong></p>"
                if lines == "p"
                else f"<strong>{html.escape(line)}</strong>"
            )
        else:
            out.append(f"<p>{html.escape(line)}</p>" if lines == "p" else html.escape(line))
    return out


def _subscription_html(subscription: list[str], lines: str) -> list[str]:
    out = []
    for index, line in enumerate(subscription):
        if index == 0:
            text = f"<strong>{html.escape(line)}</strong>"
        elif index == len(subscription) - 1:
            text = f'<img src="/statics/images/dingyue.png" alt="{html.escape(line)}">'
        elif line == ATTACHMENT_LINE:
            text = '订阅下载:<a href="/uploadfile/2024/dingyuedan2024.pdf">2024年《中国民族》杂志订阅单</a>'
        else:
            text = html.escape(line)
        out.append(f"<p>{text}</p>" if lines == "p" else text)
    return out


def _join(parts: list[str], lines: str) -> list[str]:
    """<p> paragraphs stay as they are; <br> lines become one run of text separated by <br>."""
    return parts if lines == "p" else ["<br>\n".join(parts)]


def render_seed(variant: Variant) -> bytes:
    """The seed article in the contract's page shape (or a variant of it), encoded as the site would."""
    breadcrumb, title, date_line, body, subscription = _seed()
    channel = breadcrumb.split(">")[-1].strip()
    body_parts = _body_html(body, variant.lines)
    sub_parts = _subscription_html(subscription, variant.lines)
    if variant.subscription == "inside":
        content = _join(body_parts + sub_parts, variant.lines)
        after_content: list[str] = []
    else:
        content = _join(body_parts, variant.lines)
        after_content = ['<div class="dingyue">', *_join(sub_parts, variant.lines), "</div>"]
    charset = "gb2312" if variant.encoding == "gbk" else "utf-8"
    head = (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{charset}">\n'
        f"<title>{html.escape(title)}_中国民族杂志社</title>\n"
        '<meta name="keywords" content="海西,民族团结"><meta name="description" content="海西州创建工作">\n'
        "</head><body>\n"
        '<div class="header"><a href="/"><img src="/statics/images/logo.png" alt="中国民族杂志社"></a>\n'
        '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/list-case-3-1.html">示范创建</a></li>'
        '<li><a href="/list-case-4-1.html">关注</a></li><li><a href="/list-case-5-1.html">共有家园</a></li>'
        '<li><a href="/list-case-6-1.html">史话共同体</a></li></ul></div>\n'
    )
    position = (
        f'您现在所在位置:<a href="/">首页</a> &gt; <a href="/list-case-3-1.html">{html.escape(channel)}</a>'
    )
    related = (
        '<div class="related"><h3>相关文章</h3><ul>'
        '<li><a href="/show-case-1600.html">海北州民族团结进步创建工作纪实</a><span>2018-05-02</span></li>'
        '<li><a href="/show-case-1590.html">果洛州推进示范创建</a><span>2019-03-12</span></li></ul></div>\n'
    )
    footer = (
        '<div class="footer"><p>版权所有 中国民族杂志社 京ICP备XXXXXXXX号</p>'
        "<p>地址:北京市东城区和平里北街14号 邮编:100013</p></div>\n</body></html>\n"
    )
    if variant.layout == "div":
        main = (
            '<div class="main">\n'
            f'<div class="position">{position}</div>\n<div class="article">\n'
            f'<h1 class="title">{html.escape(title)}</h1>\n<div class="info">{html.escape(date_line)}</div>\n'
            '<div class="content">\n'
            + "\n".join(content)
            + "\n</div>\n"
            + "\n".join(after_content)
            + "\n</div>\n"
            + related
            + "</div>\n"
        )
    else:
        outside = f"<tr><td>{''.join(after_content)}</td></tr>" if after_content else ""
        main = (
            '<table width="960" class="layout"><tr><td>\n'
            f"<table><tr><td>{position}</td></tr></table>\n"
            f'<table class="wenzhang"><tr><td align="center"><font size="5"><b>{html.escape(title)}</b></font></td></tr>\n'
            f'<tr><td align="center">{html.escape(date_line)}</td></tr>\n'
            "<tr><td>\n"
            + "\n".join(content)
            + "\n</td></tr>"
            + outside
            + "</table>\n"
            + related
            + "</td></tr></table>\n"
        )
    page = head + main + footer
    return (
        page.encode("gbk", errors="xmlcharrefreplace") if variant.encoding == "gbk" else page.encode("utf-8")
    )


VARIANTS = [
    Variant(),
    Variant(subscription="inside"),
    Variant(lines="br"),
    Variant(lines="br", subscription="inside"),
    Variant(encoding="gbk"),
    Variant(layout="table"),
    Variant(layout="table", lines="br", subscription="inside"),
    Variant(layout="table", lines="br", encoding="gbk", subscription="outside"),
]


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((SEED_DIR / "article.gold.json").read_text(encoding="utf-8"))


def _content_type(variant: Variant) -> str:
    return f"text/html; charset={'gb2312' if variant.encoding == 'gbk' else 'utf-8'}"


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_seed_matches_gold_in_every_template(variant: Variant, gold: dict) -> None:
    result = extract_page(
        render_seed(variant), URL, content_type=_content_type(variant), capture_date=CAPTURE
    )
    assert result.status == "ok", result.error
    assert result.title == gold["title"]
    assert result.published == gold["date_published"]
    assert result.breadcrumb == gold["breadcrumb"]
    assert result.section == gold["section"]
    assert result.paragraphs == gold["body_paragraphs"]
    assert result.section_headings == gold["section_headings"]
    assert [image.caption for image in result.images] == gold["image_captions"]
    subscriptions = [block for block in result.boilerplate if block.kind == "subscription"]
    assert len(subscriptions) == 1
    assert list(subscriptions[0].paragraphs) == gold["boilerplate_subscription_paragraphs"]
    for line in gold["boilerplate_subscription_paragraphs"]:
        assert line not in result.text


@pytest.mark.parametrize("profile", ["auto", "generic"])
def test_seed_without_site_profile_still_matches(profile: str, gold: dict) -> None:
    result = extract_page(
        render_seed(Variant()), URL, capture_date=CAPTURE, options=ExtractOptions(profile=profile)
    )
    assert result.paragraphs == gold["body_paragraphs"]
    assert result.title == gold["title"]
    assert result.published == gold["date_published"]
    expected_prefix = "profile:" if profile == "auto" else "title:"
    assert result.rules["title"].startswith(expected_prefix)


def test_seed_images_are_the_articles_only() -> None:
    result = extract_page(render_seed(Variant()), URL, capture_date=CAPTURE)
    assert [image.src for image in result.images] == [
        "http://www.56-china.com.cn/uploadfile/2018/0518/20180518101512_1.jpg",
        "http://www.56-china.com.cn/uploadfile/2018/0518/20180518101512_14.jpg",
    ]
    assert all(image.alt == image.caption for image in result.images)


def test_seed_links_are_absolute_and_labelled() -> None:
    result = extract_page(render_seed(Variant()), URL, capture_date=CAPTURE)
    by_rel: dict[str, list[str]] = {}
    for link in result.links:
        assert link.url.startswith("http://www.56-china.com.cn/")
        by_rel.setdefault(link.rel, []).append(link.text)
    assert by_rel["breadcrumb"] == ["首页", "示范创建"]
    assert "共有家园" in by_rel["nav"]
    assert by_rel["attachment"] == ["2024年《中国民族》杂志订阅单"]
    assert by_rel["related"] == ["海北州民族团结进步创建工作纪实", "果洛州推进示范创建"]
    assert "中国民族杂志社" in by_rel["image"]


def test_seed_other_boilerplate_blocks_are_kept_apart() -> None:
    result = extract_page(render_seed(Variant()), URL, capture_date=CAPTURE)
    kinds = {block.kind: block for block in result.boilerplate}
    assert kinds["copyright"].paragraphs[0].startswith("版权所有")
    assert "海北州民族团结进步创建工作纪实2018-05-02" in kinds["related"].paragraphs
    assert "版权所有" not in result.text


def test_seed_records_rules_and_options() -> None:
    options = ExtractOptions(include_links=False)
    result = extract_page(render_seed(Variant()), URL, capture_date=CAPTURE, options=options)
    assert result.rules["title"] == "profile:h1"
    assert result.rules["published"] == "profile:发布日期"
    assert result.rules["breadcrumb"] == "breadcrumb:label"
    assert result.options == options.to_dict()
    assert result.links == []
    assert "+trafilatura-2.3.1" in result.extractor_version
    assert result.language == "zh"
