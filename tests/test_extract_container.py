"""Choosing the body block when the page also prints a feed of teasers or another story in full.

Every page here is written for the test; none is copied from the evaluation sets.
"""

from __future__ import annotations

import re
import sys

from lxml import html

from archive.extract import extract_page
from archive.extract.agreement import OutsideLine, _compact, reconcile
from archive.extract.container import _visible_length, choose_container, other_story_blocks, teaser_items
from archive.extract.extractor import _parse

URL = "http://example.cn/news/1.html"
ARTICLE = [
    "本报讯，县里今天召开民族团结进步表彰大会，二十个集体和个人受到表彰。",
    "会议要求，各单位要把民族团结工作落到实处，推动各族群众共同富裕。",
]
SUMMARY = "这是另一篇新闻的摘要，介绍了某地举办文化节的情况，吸引了大量游客，当地特色产品销售火爆，群众收入明显增加，各方反响热烈。"


def _page(body: str, title: str = "县里召开民族团结进步表彰大会") -> bytes:
    head = f"<meta charset='utf-8'><title>{title}</title>"
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def _article() -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE)
    return f"<article><h1>县里召开民族团结进步表彰大会</h1><div class='body'>{paragraphs}</div></article>"


def _feed(items: int = 6) -> str:
    rows = "".join(
        f"<li class='item'><div><h3><a href='/n/{i}.html'>另一篇新闻的标题第{i}条</a></h3>"
        f"<div class='content'><p>{SUMMARY * (2 if i == 0 else 1)}</p></div></div></li>"
        for i in range(items)
    )
    return f"<main><ul class='stream'>{rows}</ul></main>"


def test_a_feed_of_teasers_does_not_outvote_a_short_article() -> None:
    page = _page(_article() + _feed())
    root = _parse(page.decode())
    assert root is not None
    choice = choose_container(root)
    assert choice.element is not None and choice.element.get("class") == "body"
    assert len(choice.teasers) == 6
    assert extract_page(page, URL).paragraphs == ARTICLE


def test_repeated_blocks_without_headline_links_are_not_teasers() -> None:
    """Forum posts and paragraph blocks repeat too, but do not each link to another story by a headline."""
    posts = "".join(f"<div class='post'><a href='/u/{i}'>网友</a><p>{SUMMARY}</p></div>" for i in range(6))
    root = _parse(_page(posts).decode())
    assert root is not None
    assert teaser_items(root) == set()


def test_another_story_under_its_own_headline_is_not_the_body() -> None:
    other = "".join(f"<p>{SUMMARY}</p>" for _ in range(6))
    body = (
        _article()
        + f"<section class='recommend'><h1>另一篇被推荐的长篇新闻标题</h1><div class='content'>{other}</div></section>"
    )
    page = _page(body)
    root = _parse(page.decode())
    assert root is not None
    choice = choose_container(root)
    assert choice.element is not None and choice.element.get("class") == "body"
    assert extract_page(page, URL).paragraphs == ARTICLE


def test_the_title_printed_twice_is_one_story() -> None:
    """A second ``<h1>`` with the page's own title (a print header) does not make the body another story."""
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE)
    body = f"<h1>县里召开民族团结进步表彰大会</h1><h1>县里召开民族团结进步表彰大会</h1><div class='c'>{paragraphs}</div>"
    root = _parse(_page(body).decode())
    assert root is not None
    candidates = list(root.iter("div"))
    assert other_story_blocks(root, candidates) == set()


def test_fragment_rule_keeps_ours_when_trafilatura_adds_feed() -> None:
    ours = ["正文第一段，讲述了会议的主要内容。"]
    feed = [f"另一篇新闻的标题第{i}条，摘要内容很长很长。" for i in range(8)]
    theirs = "\n".join(ours + feed)
    as_feed = [OutsideLine(text, feed=True) for text in feed]
    assert reconcile(ours, theirs, as_feed).rule == "vote:rest-is-feed"
    assert reconcile(ours, theirs, as_feed).lines == ours
    as_prose = [OutsideLine(text, feed=False) for text in feed]
    assert reconcile(ours, theirs, as_prose).rule == "trafilatura:vote-was-fragment"


def test_a_site_name_heading_named_by_the_title_is_not_another_story() -> None:
    """Blogs print the blog's name as an ``<h1>`` too: the title names it, so its posts are not muted."""
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE)
    body = (
        f"<h1>山里人家的读书笔记</h1><h1>县里召开民族团结进步表彰大会</h1><div class='c'>{paragraphs}</div>"
    )
    page = _page(body, title="县里召开民族团结进步表彰大会 - 山里人家的读书笔记")
    root = _parse(page.decode())
    assert root is not None
    assert other_story_blocks(root, list(root.iter("div"))) == set()
    assert extract_page(page, URL).paragraphs == ARTICLE


SPLIT_PART_ONE = [
    "The county opened its new library on Monday, after three years of building work and two delays.",
    "Residents queued from early morning, and the first hundred visitors each received a reading card.",
    "The mayor, who cut the ribbon, said the building was the town's largest project in a decade.",
]
SPLIT_PART_TWO = [
    "The library holds forty thousand books, a music room and a workshop where children learn to code.",
    "Its opening hours will be extended in the summer, when the school holidays bring more visitors.",
    "Volunteers will run a reading hour for older residents, on Tuesdays and Thursdays, from next month.",
]


def _split_page(between: str) -> bytes:
    def chunk(paragraphs: list[str]) -> str:
        text = "".join(f"<p>{p}</p>" for p in paragraphs)
        return f"<div class='grid'><div class='story-part'>{text}</div><div class='rail'></div></div>"

    body = (
        "<h1>County opens its new library</h1>"
        f"<div class='chunks'>{chunk(SPLIT_PART_ONE)}{between}{chunk(SPLIT_PART_TWO)}</div>"
    )
    head = "<meta charset='utf-8'><title>County opens its new library</title>"
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_an_article_cut_in_parts_by_an_advert_is_taken_whole() -> None:
    page = _split_page("<div class='ad'>Advertisement</div>")
    result = extract_page(page, "http://example.com/news/library.html")
    assert result.rules["body"] == "container:vote:split-article"
    assert result.paragraphs == SPLIT_PART_ONE + SPLIT_PART_TWO


def test_look_alike_blocks_with_other_content_between_are_not_one_article() -> None:
    other = "<div class='promo'><p>" + "Subscribe to our weekly letter for more local news and events. " * 2
    page = _split_page(other + "</p></div>")
    root = _parse(page.decode())
    assert root is not None
    choice = choose_container(root)
    assert not choice.split
    assert choice.element is not None and choice.element.get("class") == "story-part"


def test_visible_length_drops_exactly_what_a_regex_space_matches() -> None:
    """_visible_length and agreement._compact drop whitespace with str.split(), which is only right
    while Python's \\s and str.isspace() agree on every character."""
    space = re.compile(r"\s")
    differ = [
        c for c in map(chr, range(sys.maxunicode + 1)) if (space.fullmatch(c) is not None) != c.isspace()
    ]
    assert differ == []
    every_space = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
    text = f"民族{every_space}团结 a\u200bb"  # a zero-width space is not whitespace to either
    assert _compact(text) == re.sub(r"\s+", "", text) == "民族团结a\u200bb"
    assert _visible_length(html.fromstring(f"<div>{text}</div>")) == len("民族团结a\u200bb")
