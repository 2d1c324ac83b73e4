"""Boilerplate the archive recognises from other pages of the same site, without a known opening phrase.

A line that a reader sees on page after page of one host (a copyright line, a share bar, a recurring
notice) is not article text, whatever its words. One page alone cannot tell, so this runs as a pass over
the whole archive, after ingest:

1. ``repeated_lines`` counts, per host, on how many distinct pages each line appears (a page is counted
   once however often it was captured, and two URLs with the very same text count as one page);
2. ``remove_site_repeats`` (a pure function) moves every run of such lines out of one page's text into a
   boilerplate block of kind ``site-repeat``;
3. ``site_pass(pages)`` does both over the stored pages it is given and returns those whose stored rows
   differ from the result. Reading the pages from the archive and storing the result is
   :mod:`archive.db.site_pass`'s job: extraction knows no database.

The pass is a pure function of the *raw* extractions, the extractor's own output: it never starts from
text an earlier pass cleaned. A page the pass changed keeps what it changed in ``articles.raw_extraction``
(the extractor's paragraphs, in their order, its section headings and rules, and how many of the stored
boilerplate blocks are the extractor's; the rest are the pass's), and ingest stores a page as extracted
with ``raw_extraction`` NULL. So the result depends only on the set of pages in the archive, never on the
order they were ingested in or on how many passes ran before, and running the pass twice changes nothing
the second time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .result import BoilerplateBlock, Extraction, ImageRef, LinkRef

KIND = "site-repeat"
MIN_OTHER_PAGES = 3  # a line must appear on at least this many other pages of the host
MIN_RUN_CHARS = 10  # a short repeated line ("结语", "一、") alone is more likely a heading than chrome


def normalize_line(text: str) -> str:
    """Whitespace collapsed (U+3000 indents included), as the boilerplate table stores block text."""
    return " ".join(text.split())


def page_lines(paragraphs: Iterable[str]) -> list[str]:
    """A page's lines as the pass compares them: normalized, blank ones dropped."""
    return [line for line in map(normalize_line, paragraphs) if line]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def repeated_lines(
    pages: Iterable[tuple[str, Iterable[str]]], min_other_pages: int = MIN_OTHER_PAGES
) -> dict[str, frozenset[str]]:
    """Per host, the lines found on more than ``min_other_pages`` distinct pages.

    ``pages`` are (url, lines) pairs; captures of one URL and copies of one text under several URLs
    each count once, so a re-crawl or a redirect alias does not turn an article into boilerplate.
    """
    texts_seen: set[tuple[str, str]] = set()
    urls_by_line: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for url, lines in pages:
        host = host_of(url)
        normalized = page_lines(lines)
        digest = hashlib.sha1("\n".join(normalized).encode("utf-8")).hexdigest()
        if (host, digest) in texts_seen:
            continue
        texts_seen.add((host, digest))
        for line in set(normalized):
            urls_by_line[host][line].add(url)
    return {
        host: frozenset(line for line, urls in lines.items() if len(urls) > min_other_pages)
        for host, lines in urls_by_line.items()
    }


def remove_site_repeats(extraction: Extraction, repeated: frozenset[str]) -> Extraction | None:
    """The extraction with runs of repeated lines moved to ``site-repeat`` blocks, or None if unchanged."""
    runs: list[list[int]] = []
    for index, paragraph in enumerate(extraction.paragraphs):
        if normalize_line(paragraph) not in repeated:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    headings = set(extraction.section_headings)
    runs = [
        run
        for run in runs
        if sum(len(extraction.paragraphs[i]) for i in run) >= MIN_RUN_CHARS
        and not all(extraction.paragraphs[i] in headings for i in run)  # shared headings of a series
    ]
    if not runs:
        return None
    taken = {index for run in runs for index in run}
    kept = [p for i, p in enumerate(extraction.paragraphs) if i not in taken]
    if not kept:
        return None  # every line repeats: a page of chrome only, better judged by the page classifier
    blocks = [BoilerplateBlock(KIND, tuple(extraction.paragraphs[i] for i in run)) for run in runs]
    kept_set = set(kept)
    rules = dict(extraction.rules)
    rules["boilerplate:site-repeat"] = f"site-repeat:>{MIN_OTHER_PAGES}-other-pages"
    return dataclasses.replace(
        extraction,
        paragraphs=kept,
        section_headings=[h for h in extraction.section_headings if h in kept_set],
        boilerplate=[*extraction.boilerplate, *blocks],
        rules=rules,
    )


# -- the pass over the archive --------------------------------------------------------------------

RULE = "boilerplate:site-repeat"


@dataclasses.dataclass(frozen=True)
class PageUpdate:
    """What the pass stores for one page: the extraction and the ``articles.raw_extraction`` value
    (None when the page is stored as extracted)."""

    extraction: Extraction
    raw_extraction: str | None


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def raw_state(raw: Extraction) -> str:
    """The ``raw_extraction`` JSON of a page the pass changed: what it needs to start again from ``raw``."""
    state = {
        "paragraphs": list(raw.paragraphs),
        "section_headings": list(raw.section_headings),
        "rules": dict(raw.rules),
        "boilerplate_blocks": len(raw.boilerplate),
    }
    return json.dumps(state, ensure_ascii=False, sort_keys=True)


def _stored_blocks(blocks: list[Mapping[str, Any]]) -> list[BoilerplateBlock]:
    return [BoilerplateBlock(b["kind"], tuple(b["text"].split("\n"))) for b in blocks]


def _raw_parts(
    row: Mapping[str, Any], blocks: list[Mapping[str, Any]]
) -> tuple[list[str], list[str], dict[str, Any], list[BoilerplateBlock]]:
    """Paragraphs, section headings, rules and boilerplate blocks as the extractor made them."""
    paragraphs = [line for line in (row["text"] or "").split("\n") if line]
    section_headings = _loads(row["section_headings"], [])
    rules = _loads(row["rules"], {})
    stored = _stored_blocks(blocks)
    state = _loads(row.get("raw_extraction"), None)
    if state is not None:
        paragraphs = list(state["paragraphs"])
        section_headings = list(state["section_headings"])
        rules = dict(state["rules"])
        stored = stored[: state["boilerplate_blocks"]]
    elif RULE in rules:
        # Cleaned by a pass older than raw_extraction: its blocks were appended after the page's text.
        # The original order is lost; a rebuild from the WARC files restores it.
        paragraphs += [line for block in stored if block.kind == KIND for line in block.paragraphs]
        stored = [block for block in stored if block.kind != KIND]
        rules.pop(RULE)
    return paragraphs, section_headings, rules, stored


def paragraphs_need_blocks(row: Mapping[str, Any]) -> bool:
    """Whether :func:`raw_paragraphs` needs the page's boilerplate blocks (only for a page cleaned by a
    pass older than ``raw_extraction``)."""
    return row.get("raw_extraction") is None and RULE in _loads(row["rules"], {})


def raw_paragraphs(row: Mapping[str, Any], blocks: list[Mapping[str, Any]]) -> list[str]:
    """The extractor's own paragraphs of a stored page: what the pass counts repeated lines in."""
    return _raw_parts(row, blocks)[0]


def raw_extraction_from_rows(
    row: Mapping[str, Any],
    images: list[Mapping[str, Any]],
    links: list[Mapping[str, Any]],
    blocks: list[Mapping[str, Any]],
) -> Extraction:
    """The extractor's own result for a stored page, whatever earlier passes did to its rows."""
    paragraphs, section_headings, rules, stored = _raw_parts(row, blocks)
    return Extraction(
        url=row["url"],
        status=row["status"],
        error=row["error"],
        title=row["title"],
        published=row["published"],
        author=row["author"],
        source=row["source"],
        editor=row["editor"],
        section=row["section"],
        breadcrumb=_loads(row["breadcrumb"], []),
        paragraphs=paragraphs,
        section_headings=section_headings,
        images=[ImageRef(i["src"], i["caption"], i["alt"]) for i in images],
        boilerplate=stored,
        links=[LinkRef(link["url"], link["text"] or "", link["rel"] or "") for link in links],
        language=row["language"],
        rules=rules,
        extractor=row["extractor"] or "minzu-archive",
        extractor_version=row["extractor_version"] or "",
        options=_loads(row["options"], {}),
    )


def _block_texts(blocks: Iterable[BoilerplateBlock]) -> list[tuple[str, ...]]:
    """Blocks as the boilerplate table stores them: normalized lines, blank lines and empty blocks dropped."""
    texts = (tuple(line for line in map(normalize_line, block.paragraphs) if line) for block in blocks)
    return [text for text in texts if text]


def _stored_differs(row: Mapping[str, Any], blocks: list[Mapping[str, Any]], update: PageUpdate) -> bool:
    target = update.extraction
    return (
        (row["text"] or "") != target.text
        or _loads(row["section_headings"], []) != list(target.section_headings)
        or _loads(row["rules"], {}) != dict(target.rules)
        or row.get("raw_extraction") != update.raw_extraction
        or _block_texts(_stored_blocks(blocks)) != _block_texts(target.boilerplate)
    )


@dataclasses.dataclass(frozen=True)
class StoredPage:
    """One article as the archive stores it: its ``articles`` row and its images, links and
    boilerplate blocks (``kind``, ``text``) in position order, as plain mappings."""

    row: Mapping[str, Any]
    images: list[Mapping[str, Any]]
    links: list[Mapping[str, Any]]
    blocks: list[Mapping[str, Any]]


def page_update(page: StoredPage, lines: frozenset[str] | None) -> PageUpdate | None:
    """What to store for one page given its host's repeated ``lines`` (None or empty: none), or None when
    the page is not an "ok" article or its stored rows already are the pass's result."""
    if page.row["status"] != "ok":
        return None
    raw = raw_extraction_from_rows(page.row, page.images, page.links, page.blocks)
    cleaned = remove_site_repeats(raw, lines) if lines else None
    update = PageUpdate(raw, None) if cleaned is None else PageUpdate(cleaned, raw_state(raw))
    return update if _stored_differs(page.row, page.blocks, update) else None


def may_change(row: Mapping[str, Any], has_repeated_line: bool) -> bool:
    """False when :func:`page_update` is sure to return None whatever the page's images, links and blocks:
    an article stored as extracted (no earlier pass changed it) with no repeated line. Lets a pass over a
    large archive skip reading the rows of the pages it leaves alone."""
    if row["status"] != "ok":
        return False
    return has_repeated_line or row.get("raw_extraction") is not None or RULE in _loads(row["rules"], {})


def site_pass(pages: Iterable[StoredPage], min_other_pages: int = MIN_OTHER_PAGES) -> dict[str, PageUpdate]:
    """What to store, by capture id, for every "ok" article whose stored rows differ from the pass's
    result over the raw extractions of all ``pages``. A pure function over pages held in memory (the
    reference for :mod:`archive.db.site_pass`, which streams an archive of any size through the same
    :func:`page_update`)."""
    pages = list(pages)
    raws = {
        page.row["capture_id"]: raw_extraction_from_rows(page.row, page.images, page.links, page.blocks)
        for page in pages
    }
    repeated = repeated_lines(
        ((page.row["url"], raws[page.row["capture_id"]].paragraphs) for page in pages), min_other_pages
    )
    changed: dict[str, PageUpdate] = {}
    for page in pages:
        update = page_update(page, repeated.get(host_of(page.row["url"])))
        if update is not None:
            changed[page.row["capture_id"]] = update
    return changed


__all__ = [
    "KIND",
    "PageUpdate",
    "StoredPage",
    "host_of",
    "may_change",
    "normalize_line",
    "page_lines",
    "page_update",
    "paragraphs_need_blocks",
    "raw_extraction_from_rows",
    "raw_paragraphs",
    "remove_site_repeats",
    "repeated_lines",
    "site_pass",
]
