"""The parsed tree and the helpers that read it fast: what they give must be what the slow forms gave."""

from __future__ import annotations

from collections import Counter

import lxml.html
import trafilatura
from lxml import etree

from archive.extract.agreement import tokens
from archive.extract.lines import TextLine, element_text, read_lines
from archive.extract.parsing import parse_html

PAGE = """<html><head><title>t</title><!-- a comment --></head><body>
<form action="/s"><input name="q" value="民族"><select name="c"><option>一</option></select>
<textarea name="t">留言</textarea><label for="q">搜索</label></form>
<div class="content"><p>第一段<b>加粗</b>尾巴<!-- 注释 -->之后</p><p>第二段 &amp; 中文</p></div>
</body></html>"""


def test_every_element_of_the_parsed_tree_is_an_html_element() -> None:
    # trafilatura takes a tree only when it is an lxml.html HtmlElement (else it wants bytes or text).
    root = parse_html(PAGE).root
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    assert {e.tag for e in elements} >= {"form", "input", "select", "textarea", "label", "p", "b"}
    assert all(isinstance(e, lxml.html.HtmlElement) for e in elements)
    assert not any(isinstance(e, etree._Comment) for e in root.iter())  # dropped at parse time
    document = trafilatura.bare_extraction(root, deduplicate=False)
    assert document is not None and "第二段 & 中文" in document.text


def test_element_text_is_the_text_itertext_gives() -> None:
    # Comments and processing instructions kept (the default parser): their text is not the page's,
    # their tails are.
    root = lxml.html.fromstring(
        "<div>a<!--c-->b<?pi x?>c<b>d<!--e-->f</b>g &amp; &#20013; h<script>s</script><i></i>z</div>"
    )
    for element in root.iter():
        if isinstance(element.tag, str):
            assert element_text(element) == "".join(element.itertext())
    assert element_text(root) == "abcdfg & 中 hsz"
    assert element_text(root.find("b")) == "df"  # its tail "g …" is not inside it


def test_lines_keep_the_text_around_a_comment_in_order() -> None:
    root = lxml.html.fromstring("<div><p>第一段<b>加粗</b>尾巴<!-- 注释 -->之后</p><p>第二段</p></div>")
    lines = [item for item in read_lines(root) if isinstance(item, TextLine)]
    assert [line.text for line in lines] == ["第一段加粗尾巴之后", "第二段"]
    assert lines[0].bold_chars == 2


def test_tokens_are_cjk_characters_and_runs_of_other_letters() -> None:
    assert tokens("民族 ABC民族，def1_x") == Counter({"民": 2, "族": 2, "abc": 1, "def1_x": 1})
    # A symbol in the CJK block (a hexagram, not a letter) still counts as a character of its own.
    assert tokens("\u4dc0卦") == Counter({"\u4dc0": 1, "卦": 1})
    assert tokens("") == Counter()
