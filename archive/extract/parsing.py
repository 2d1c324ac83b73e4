"""HTML text to an lxml tree, whatever its depth.

libxml2 stops building the tree at 256 levels of nesting (2048 with its "huge" option) and silently
drops everything below, so a page of a few thousand nested ``<div>``s came back with no text. The tree
is built with the huge option; when the parser still reports excessive depth, the page is read again
with its wrapper tags taken out (block wrappers become line breaks, inline ones vanish), which keeps
every word and every line break a reader sees. Only when even that is too deep is the page refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from .charset import strip_xml_declaration
from .lines import BLOCK_TAGS

# Comments and processing instructions are dropped at parse time, as trafilatura's own parser does:
# the tree is shared with trafilatura, which cuts a paragraph short at a comment inside it.
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
# lxml.html picks each element's Python class with a Python callback, run every time an element is
# touched from Python (about ten thousand times a page, our rules and trafilatura together): a tenth of the
# extraction's CPU. The same classes from lxml's C lookup; only the form controls (<form>, <input>,
# <select>, <textarea>, <label>) become plain HtmlElements, and nothing here uses their form API.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
# Tags kept when a too-deep page is flattened: what the line reader and the metadata rules use.
_KEPT = "p|br|img|a|h[1-6]|title|meta|head|body|html|script|style|noscript|link|base|form"
_WRAPPER_TAG = re.compile(rf"<(/?)(?!(?:{_KEPT})\b)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


class TooDeep(Exception):
    """Nesting that even a flattened reading cannot hold."""


@dataclass(frozen=True)
class Parsed:
    root: etree._Element
    flattened: bool


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any("Excessive depth" in str(entry.message) for entry in parser.error_log)


def _unwrap(match: re.Match[str]) -> str:
    return "<br>" if match[2].lower() in BLOCK_TAGS else ""


def parse_html(text: str) -> Parsed | None:
    """The page's tree (None when it holds no element at all); raises TooDeep as said above."""
    text = strip_xml_declaration(text)
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    if not _too_deep(_PARSER):
        return Parsed(root, flattened=False)
    try:
        root = lxml.html.document_fromstring(_WRAPPER_TAG.sub(_unwrap, text), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    if _too_deep(_PARSER):
        raise TooDeep("nesting deeper than the parser's 2048 levels, even without wrapper tags")
    return Parsed(root, flattened=True)
