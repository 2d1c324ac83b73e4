"""Boilerplate lines left inside the article block, each kind on a small page written for the test."""

from __future__ import annotations

from archive.extract import extract_page
from archive.extract.boilerplate import drop_boilerplate_lines, is_pagination, line_kind

PROSE = "这是一段用于测试的正文内容，讲述了草原牧区近年来发展特色产业和改善民生的具体做法。"
MORE = "第二段正文继续介绍当地群众的生活变化，以及基层干部在其中所做的大量细致工作。"


def _page(body: str, title: str = "牧区新变化_某某网") -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>".encode()
    )


def _article(inner: str, title: str = "牧区新变化_某某网") -> list[str]:
    html = f"<div class='nav'><a href='/'>首页</a></div><div class='content'>{inner}</div>"
    return extract_page(_page(html, title), "http://example.cn/a/1.html").paragraphs


def test_pager_lines_are_not_text() -> None:
    assert is_pagination("[1] [2] [3] [4]")
    assert is_pagination("第1页/共3页 << 上一页 | 下一页 >>")
    assert is_pagination("|<<123下一页>>|")
    assert not is_pagination("2018")  # a number alone is no pager
    assert not is_pagination("第3页的图表显示，收入增长了一倍。")
    assert _article(f"<p>{PROSE}</p><p>{MORE}</p><p>[1] [2] [3]</p>") == [PROSE, MORE]


def test_buttons_and_player_controls_are_dropped_anywhere() -> None:
    inner = (
        f"<p>点击看大图</p><p>{PROSE}</p><div>00:00/02:15</div><div>倍速</div><div>1.5X</div>"
        f"<div>高清</div><div>正在加载...</div><p>{MORE}</p><p>发表评论</p><p>发送给朋友</p>"
    )
    assert _article(inner) == [PROSE, MORE]


def test_a_status_line_between_two_controls_belongs_to_the_player() -> None:
    bar = ["00:00/03:12", "清晰度已切换", "倍速", "1.25x", "網路異常，請稍後重試", "自動播放"]
    kept, blocks = drop_boilerplate_lines([PROSE, *bar, MORE])
    assert kept == [PROSE, MORE] and blocks[0].kind == "player"
    # The same words away from any control are the article's own.
    assert drop_boilerplate_lines([PROSE, "清晰度已切换", MORE])[0] == [PROSE, "清晰度已切换", MORE]
    question = "高原上的冬天，牧民怎样过？"
    assert drop_boilerplate_lines(["00:00", question, "倍速"])[0] == [question]


def test_closing_notices_only_at_the_end() -> None:
    notice = "本文为某某网原创稿件，转载请注明出处。"
    editor = "（责任编辑：王五）"
    assert _article(f"<p>{PROSE}</p><p>{MORE}</p><p>{notice}</p><p>{editor}</p><p>关键词：</p>") == [
        PROSE,
        MORE,
    ]
    # A sentence about reprinting in the middle of a long article is the article's own text.
    middle = "法院认定，被告未经授权转载了原告的作品。"
    lines = [middle] + [PROSE] * 8
    assert drop_boilerplate_lines(lines)[0] == lines


def test_ad_tags_need_a_run() -> None:
    ads = ["广告某某留学讲座本周报名", "广告暑期课程限时优惠"]
    kept, blocks = drop_boilerplate_lines([PROSE, *ads, MORE])
    assert kept == [PROSE, MORE] and blocks[0].kind == "ad"
    single = "广告行业协会今年发布了新的自律公约"
    assert drop_boilerplate_lines([PROSE, single, MORE])[0] == [PROSE, single, MORE]
    assert line_kind("广告", 5) == "player"
    closable = "广告某某品牌夏季新品上市"
    assert drop_boilerplate_lines([PROSE, closable, "×", MORE])[0] == [PROSE, MORE]


def test_related_heading_with_inline_title_and_linked_run() -> None:
    inner = (
        f"<p>{PROSE}</p><p>{MORE}</p>"
        "<p>延伸阅读：<a href='/b'>草原上的新牧场建设纪实</a></p>"
        "<p><a href='/c'>牧民合作社带动增收</a></p><p><a href='/d'>高原冬季保暖物资到位</a></p>"
        f"<p>{PROSE}又一段。</p>"
    )
    assert _article(inner) == [PROSE, MORE, f"{PROSE}又一段。"]


def test_header_repeated_at_top_of_body() -> None:
    inner = f"<p>牧区的“新”变化</p><p>张三丰</p><p>——来自高原的调查报告</p><p>{PROSE}</p><p>{MORE}</p>"
    result = extract_page(_page(inner, '牧区的"新"变化_某某网'), "http://example.cn/a/2.html")
    assert result.paragraphs == [PROSE, MORE]
    assert [b.kind for b in result.boilerplate] == ["header"]


def test_section_heading_after_header_stays() -> None:
    inner = f"<p>译者：李四</p><p>2005年1月2日</p><p>一、问题的提出</p><p>{PROSE}</p><p>{MORE}</p>"
    assert _article(inner) == ["一、问题的提出", PROSE, MORE]


def test_verse_head_without_prose_stays() -> None:
    verse = ["夜雨", "朝代：", "唐代", "作者：", "白居易", "我有所念人", "隔在远远乡", "我有所感事"]
    html = "<div class='content'>" + "".join(f"<p>{line}</p>" for line in verse) + "</div>"
    assert extract_page(_page(html, "夜雨_诗词网"), "http://example.cn/a/3.html").paragraphs == verse
