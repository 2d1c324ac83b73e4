"""Bytes to text for HTML pages whose declared charset may be missing or wrong.

Order of trust: byte-order mark, HTTP header, ``<meta>`` declaration, then detection. A declaration
is only believed when the bytes decode cleanly with it, because old Chinese sites often send
``charset=utf-8`` over GBK bytes (or the reverse). GB2312 and GBK labels decode as GB18030, their
superset, so characters outside GB2312 that those sites used anyway survive.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# Share of U+FFFD (per decoded character) above which a decoding counts as wrong.
_MAX_REPLACEMENT_SHARE = 0.001
_CHINESE_FALLBACKS = ("utf-8", "gb18030", "big5")
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030"}


@dataclass(frozen=True)
class DecodedHtml:
    """Decoded page text with the encoding used and where that encoding came from."""

    text: str
    encoding: str
    rule: str  # "bom", "http-header", "meta", "fallback:<enc>", "detected"


def _canonical(label: str | None) -> str | None:
    if not label:
        return None
    resolved = resolve_encoding(label) or label
    try:
        name = codecs.lookup(resolved).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _clean_decode(body: bytes, encoding: str) -> str | None:
    """Decode, accepting the result only when (almost) every byte sequence was valid."""
    try:
        text = body.decode(encoding, errors="replace")
    except LookupError:
        return None
    if text.count("\ufffd") > max(1, len(text) * _MAX_REPLACEMENT_SHARE):
        return None
    return text


def decode_html(body: bytes, content_type: str | None = None) -> DecodedHtml:
    """Turn raw (charset-encoded) HTML bytes into text; never raises."""
    bom_encoding, _ = read_bom(body)
    if bom_encoding:
        encoding, text = html_to_unicode(content_type, body)
        return DecodedHtml(text, encoding, "bom")
    if _is_strict_utf8(body):
        # Non-ASCII bytes that happen to form valid UTF-8 are almost never GBK text: trust the bytes
        # over a stale declaration (pages re-saved as UTF-8 often keep their old gb2312 meta).
        return DecodedHtml(body.decode("utf-8"), "utf-8", "valid-utf-8")
    declared = [
        ("http-header", _canonical(http_content_type_encoding(content_type) if content_type else None)),
        ("meta", _canonical(html_body_declared_encoding(body))),
    ]
    for rule, encoding in declared:
        if encoding:
            text = _clean_decode(body, encoding)
            if text is not None:
                return DecodedHtml(text, encoding, rule)
    for encoding in _CHINESE_FALLBACKS:
        text = _clean_decode(body, encoding)
        if text is not None:
            return DecodedHtml(text, encoding, f"fallback:{encoding}")
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
    return DecodedHtml(text, encoding, "detected")


def _is_strict_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(body: bytes) -> str | None:
    """Last resort used by w3lib: the first fallback that decodes the most text."""
    return min(_CHINESE_FALLBACKS, key=lambda enc: body.decode(enc, errors="replace").count("\ufffd"))


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def strip_xml_declaration(text: str) -> str:
    """lxml refuses str input that carries an encoding declaration; the text is already decoded."""
    return _XML_DECLARATION.sub("", text, count=1)
