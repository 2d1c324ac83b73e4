"""Damaged and hostile pages: each comes back with a status, and no exception escapes.

Huge, flat, deep, tabular pages and bad addresses, built here at the size that shows the behaviour.
Speed is measured in benchmarks/extraction.py, never here.
"""

from __future__ import annotations

import re

import pytest

from archive.extract import ExtractOptions, extract_page, parsing

PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。"
URL = "http://example.cn/a/1.html"


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'><title>测试_某某网</title>{head}</head><body>{body}</body></html>".encode()


def test_a_page_over_the_byte_budget_is_too_large_and_not_parsed() -> None:
    body = _page("<div class='c'>" + f"<p>{PROSE}</p>" * 400 + "</div>")
    small = ExtractOptions(max_html_bytes=len(body) - 1)
    result = extract_page(body, URL, options=small)
    assert (result.status, result.rules["status"]) == ("too-large", "budget:size")
    assert "bytes" in (result.error or "") and result.paragraphs == [] and result.title is None
    assert result.options["max_html_bytes"] == len(body) - 1  # recorded, so a rebuild can raise it
    assert extract_page(body, URL).status == "ok"  # the default budget holds it


def test_a_page_over_the_tag_budget_is_too_large() -> None:
    body = _page("<div>" + "<span>x</span>" * 2000 + "</div>")
    result = extract_page(body, URL, options=ExtractOptions(max_html_tags=1000))
    assert result.status == "too-large" and "tags" in (result.error or "")


def test_a_flat_page_of_many_paragraphs_keeps_them_all() -> None:
    paragraphs = [f"{PROSE}第{n}段。" for n in range(2000)]
    body = _page("<div class='c'>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>")
    result = extract_page(body, URL)
    assert result.status == "ok"
    assert result.paragraphs == paragraphs


@pytest.mark.parametrize("depth", [300, 1500])
def test_a_deeply_nested_page_keeps_its_text(depth: int) -> None:
    body = _page("<div>" * depth + f"<p>{PROSE * 3}</p><p>{PROSE * 2}</p>" + "</div>" * depth)
    result = extract_page(body, URL)
    assert result.status == "ok", result.error
    assert result.paragraphs == [PROSE * 3, PROSE * 2]
    assert "flattened" not in result.diagnostics


def test_a_page_deeper_than_the_parser_holds_is_read_flattened() -> None:
    depth = 4000
    body = _page("<div><span>" * depth + f"<p>{PROSE * 3}</p>{PROSE * 2}" + "</span></div>" * depth)
    result = extract_page(body, URL)
    assert result.status == "ok", result.error
    assert result.diagnostics["flattened"] == 1
    assert PROSE * 3 in result.paragraphs and PROSE * 2 in result.paragraphs


@pytest.mark.parametrize("wrapper", [("<table><tr><td>", "</td></tr></table>"), ("<ul><li>", "</li></ul>")])
def test_deep_tables_and_lists_are_flattened_too(wrapper: tuple[str, str]) -> None:
    opening, closing = wrapper
    body = _page(opening * 3000 + f"<p>{PROSE * 3}</p>" + closing * 3000)
    result = extract_page(body, URL)
    assert (result.status, result.diagnostics.get("flattened")) == ("ok", 1), result.error
    assert result.paragraphs == [PROSE * 3]


def test_too_deep_is_an_explicit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the flattened page still too deep (here: a flattening that removes nothing), the page gets
    its own status and no text, rather than coming back as an empty "not-article"."""
    monkeypatch.setattr(parsing, "_WRAPPER_TAG", re.compile(r"(?!)"))
    body = _page("<div>" * 3000 + f"<p>{PROSE * 3}</p>" + "</div>" * 3000)
    result = extract_page(body, URL)
    assert (result.status, result.paragraphs) == ("too-deep", [])
    assert "2048" in (result.error or "")


def test_a_long_table_is_read_without_trafilatura_fallbacks() -> None:
    rows = "".join(f"<tr><td>{n}</td><td>名称{n}</td><td>{n * 3}</td></tr>" for n in range(3000))
    body = _page(f"<h1>统计表</h1><p>{PROSE * 2}</p><table>{rows}</table>")
    result = extract_page(body, URL)
    assert result.status in {"ok", "not-article"}, result.error
    assert result.diagnostics["trafilatura_fallbacks_skipped"] == 1
    small = extract_page(_page(f"<div class='c'><p>{PROSE * 2}</p><p>{PROSE}</p></div>"), URL)
    assert "trafilatura_fallbacks_skipped" not in small.diagnostics


@pytest.mark.parametrize(
    "head",
    [
        "",
        "<base href='http://[::1/'>",
        "<link rel='canonical' href='http://[::1/canonical'>",
        "<meta property='og:url' content='http://[::1/og'>",
    ],
)
def test_bad_addresses_are_skipped_and_counted(head: str) -> None:
    body = _page(
        "<div class='c'>"
        f"<p>{PROSE * 2}<a href='http://[::1/x'>坏链接</a></p><p><img src='http://[::1/y.jpg' alt='坏图'></p>"
        f"<p>{PROSE * 2}<a href='/good.html'>好链接</a></p><p><img src='/good.jpg' alt='好图'></p></div>",
        head,
    )
    result = extract_page(body, URL)
    assert result.status == "ok", result.error
    assert result.diagnostics.get("bad_links", 0) >= 1
    assert result.diagnostics.get("bad_images") == 1
    assert [image.caption for image in result.images] == ["好图"]
    assert any(link.url.endswith("/good.html") for link in result.links)


def test_bad_bytes_and_broken_markup_never_raise() -> None:
    pages = [
        b"<html><body><p>" + "民族".encode("gbk") * 500 + b"\xff\xfe\x00<td></table></p>",
        b"<" * 5000,
        b"<html><body>" + b"<a href='" + b"%" * 10000 + b"'>x</a>" + b"</body></html>",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>" + PROSE.encode() * 3 + b"</p></body></html>",
        b"<html><body><script type='application/ld+json'>{bad json</script><p>" + PROSE.encode() * 3,
    ]
    for body in pages:
        result = extract_page(body, URL)
        assert result.status in {"ok", "empty", "not-article"}, (body[:40], result.error)
