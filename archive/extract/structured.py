"""What a page says about itself in machine-readable form: JSON-LD, microdata and ``<meta>`` tags.

Read once per page, before any text rule, because it is the page's own statement of its author, its
publication time and its site name. It is still checked like any other evidence: a JSON-LD author of
type Organization is the publisher, not a writer; a ``<meta name="author">`` holding the portal's name,
a user id or a profile URL names no person (names.person_names decides).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

_ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle BackgroundNewsArticle "
    "BlogPosting LiveBlogPosting SocialMediaPosting DiscussionForumPosting ScholarlyArticle TechArticle Report "
    "WebPage ItemPage".split()
)
# ``<meta>`` names and properties that hold the publication time, most specific first (Open Graph's
# article namespace, Dublin Core, and the names Chinese CMSs print: publishdate, PubDate, firstpublishedtime).
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "datePublished",
    "publishdate",
    "PublishDate",
    "publish_date",
    "publish-date",
    "pubdate",
    "PubDate",
    "pubtime",
    "firstpublishedtime",
    "dcterms.issued",
    "dc.date.issued",
    "DC.date.issued",
    "dcterms.created",
    "dc.date.created",
    "DC.date.created",
    "dc.date",
    "DC.date",
    "DC.Date",
    "sailthru.date",
    "parsely-pub-date",
)
AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "citation_author",
    "citation_authors",
    "dc.creator",
    "DC.creator",
    "dcterms.creator",
    "byl",
    "parsely-author",
    "sailthru.author",
)
SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "publisher", "copyright")


@dataclass
class Structured:
    """Author names, the publication time and the site's names, each with where it was read."""

    persons: list[str] = field(default_factory=list)  # JSON-LD / microdata authors of type Person
    person_rule: str = ""
    organisations: list[str] = field(default_factory=list)  # authors and publishers that are not people
    meta_authors: list[tuple[str, str]] = field(default_factory=list)  # (value, meta name)
    published: str | None = None
    published_rule: str = ""
    site_names: list[str] = field(default_factory=list)


def _meta_pairs(root: etree._Element) -> Iterator[tuple[str, str]]:
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop") or meta.get("http-equiv")
        value = meta.get("content")
        if key and value and value.strip():
            yield key.strip(), value.strip()


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds if k}


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _nodes(data["@graph"])
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, dict):
            yield from _nodes(main)


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list) and value:
        return _name(value[0])
    return None


def _read_json_ld(root: etree._Element, found: Structured) -> None:
    for script in root.xpath("//script[@type='application/ld+json']"):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue  # a broken block is skipped; the page's other evidence still counts
        for node in _nodes(data):
            if not _types(node) & _ARTICLE_TYPES:
                continue
            authors = node.get("author") or node.get("creator")
            for author in authors if isinstance(authors, list) else [authors]:
                name = _name(author)
                if not name:
                    continue
                kinds = _types(author) if isinstance(author, dict) else set()
                if kinds and "Person" not in kinds:
                    found.organisations.append(name)
                elif name not in found.persons:
                    # An author given as a bare string says nothing of its type: checked as a name.
                    found.persons.append(name)
                    found.person_rule = "json-ld:author" if kinds else "json-ld:author-text"
            if (publisher := _name(node.get("publisher"))) and publisher not in found.organisations:
                found.organisations.append(publisher)
            date = node.get("datePublished") or node.get("dateCreated")
            if isinstance(date, str) and date.strip() and found.published is None:
                found.published, found.published_rule = date.strip(), "json-ld:datePublished"


def _read_microdata(root: etree._Element, found: Structured) -> None:
    for element in root.xpath("//*[@itemprop='author']"):
        kind = (element.get("itemtype") or "").rsplit("/", 1)[-1]
        names = element.xpath(".//*[@itemprop='name']")
        value = names[0].get("content") if names and names[0].get("content") else None
        text = value or " ".join("".join((names[0] if names else element).itertext()).split())
        text = text or (element.get("content") or "").strip()
        if not text:
            continue
        if kind and kind != "Person":
            found.organisations.append(text)
        elif text not in found.persons:
            found.persons.append(text)
            found.person_rule = found.person_rule or "microdata:author"
    if found.published is None:
        for element in root.xpath("//*[@itemprop='datePublished']"):
            value = element.get("content") or element.get("datetime") or "".join(element.itertext())
            if value.strip():
                found.published, found.published_rule = value.strip(), "microdata:datePublished"
                break


_LOWER_DATE_META = {name.lower(): rank for rank, name in enumerate(DATE_META)}
_LOWER_AUTHOR_META = {name.lower() for name in AUTHOR_META}
_LOWER_SITE_META = {name.lower() for name in SITE_META}


def read_structured(root: etree._Element) -> Structured:
    """Everything the page states about itself; never raises on malformed blocks."""
    found = Structured()
    _read_json_ld(root, found)
    _read_microdata(root, found)
    best_rank = len(DATE_META)
    meta_date: tuple[str, str] | None = None
    for key, value in _meta_pairs(root):
        lower = key.lower()
        if lower in _LOWER_AUTHOR_META:
            found.meta_authors.append((value, key))
        elif lower in _LOWER_SITE_META and len(value) <= 60:
            found.site_names.append(value)
        elif lower in _LOWER_DATE_META and _LOWER_DATE_META[lower] < best_rank:
            best_rank, meta_date = _LOWER_DATE_META[lower], (value, f"meta:{key}")
    if found.published is None and meta_date is not None:
        found.published, found.published_rule = meta_date
    if found.published is None:
        for element in root.xpath("//time[@pubdate or @itemprop='datePublished'][@datetime]"):
            found.published, found.published_rule = element.get("datetime", "").strip(), "time:pubdate"
            break
    found.site_names.extend(found.organisations)
    return found


_COMPACT_DATE = re.compile(
    r"^(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:[T ]?(?P<H>[0-2]\d)(?P<M>[0-5]\d))?"
)


def compact_date(value: str) -> str | None:
    """ "20200102" and "202001021711", as some CMSs write ``publishdate``, in ISO form."""
    match = _COMPACT_DATE.match(value.strip())
    if not match:
        return None
    iso = f"{match['y']}-{match['m']}-{match['d']}"
    return f"{iso} {match['H']}:{match['M']}" if match["H"] else iso
