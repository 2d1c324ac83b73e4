"""Find the element that holds an article's body, without knowing the template.

A readability-style vote: every line of prose votes for the block that holds it, half a vote for the
block above, a third for the one above that. Prose is recognised by its length and its punctuation
(Chinese sentences end in 。！？), link-heavy lines (menus, lists of titles) do not vote.

A feed of story teasers (headline link + one-paragraph summary, repeated) has prose lines too, and one
long summary can outvote a short article; a block inside such a repeated teaser item counts for less.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import etree

from .lines import Item, TextLine, element_text, read_lines, tag_name, text_lines

_SENTENCE_PUNCTUATION = re.compile(r"[，。！？；：、,.!?;]")
# Tags that wrap a single paragraph: the vote goes to the block around them.
_PARAGRAPH_TAGS = frozenset("p h2 h3 h4 h5 h6 li span font pre blockquote dd dt strong b em section".split())
_NEVER_CONTAINERS = frozenset("html head a ul ol li nav header footer aside form p".split())
_BOILERPLATE_HINT = re.compile(r"comment|footer|foot|nav|menu|sidebar|related|share|copyright|banner", re.I)
_CONTENT_HINT = re.compile(r"article|content|main|text|body|story|post|detail|zw|neirong|TRS_Editor", re.I)
_TEASER_BIAS = 0.2  # a block inside one teaser of a feed: another story's summary, not this page's article
_MIN_TEASERS = 4  # fewer look-alike siblings than this are not a feed
_TEASER_SHARE = 0.6  # share of the look-alike siblings that must be teasers
_MAX_TEASER_CHARS = 500  # a teaser is a headline and a summary, not a whole story
_MIN_HEADLINE_LINK = 6  # characters of link text that read as a story's headline, not "更多" or a name
# Table rows are layout on older Chinese pages (one row holds the article): never counted as teasers.
_NOT_TEASERS = frozenset("tr td th tbody thead tfoot table".split())
_FOLD = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]")
_MIN_HEADLINE = 4
_MIN_PART_WEIGHT = 10.0  # a part of a split article holds a paragraph or more of prose
_MAX_BETWEEN_CHARS = 50  # text of a block between two parts: an advert's label, not content
_MIN_STORY_HEADLINE = 8  # shorter <h1>s are labels ("新闻中心") or a title split over lines, not a story


def line_weight(line: TextLine) -> float:
    """How much a line looks like prose; zero for short or mostly-linked lines."""
    if line.link_share > 0.5 or len(line.text) < 10:
        return 0.0
    return 1.0 + len(_SENTENCE_PUNCTUATION.findall(line.text)) + min(len(line.text), 300) / 100


def _vote_base(element: etree._Element) -> etree._Element:
    base = element
    while tag_name(base) in _PARAGRAPH_TAGS and base.getparent() is not None:
        base = base.getparent()
    return base


def _class_bias(element: etree._Element) -> float:
    hints = f"{element.get('class', '')} {element.get('id', '')}"
    bias = 1.0
    if _CONTENT_HINT.search(hints):
        bias *= 1.25
    if _BOILERPLATE_HINT.search(hints):
        bias *= 0.5
    return bias


def _visible_length(element: etree._Element) -> int:
    # str.split() drops exactly what \s matches (both test str.isspace), at a third of the cost
    return len("".join(element_text(element).split()))


def _holders_of_headline_links(root: etree._Element) -> set[etree._Element]:
    """Every element that is or holds a link long enough to be a story's headline: each link is read
    once, where asking each feed item would read the links of nested feeds again and again."""
    holders: set[etree._Element] = set()
    for link in root.iter("a"):
        if _visible_length(link) < _MIN_HEADLINE_LINK:
            continue
        holders.add(link)
        for ancestor in link.iterancestors():
            if ancestor in holders:
                break  # and so are all above it
            holders.add(ancestor)
    return holders


def teaser_items(root: etree._Element) -> set[etree._Element]:
    """Items of a feed: siblings of one tag and class, most of them a headline link with a short summary.

    Each story of a feed is cut to a teaser, so a region made of them is a list of other pages, however
    much prose its summaries hold. Most items must be short; a longer one among them is still an item.
    """
    found: set[etree._Element] = set()
    with_headline = _holders_of_headline_links(root)
    for parent in root.iter():
        if len(parent) < _MIN_TEASERS:
            continue  # too few children for a feed: most elements, passed without a look at each child
        groups: dict[tuple[str, str], list[etree._Element]] = defaultdict(list)
        for child in parent:
            name = tag_name(child)
            if name and name not in _NOT_TEASERS:
                groups[(name, child.get("class", ""))].append(child)
        for group in groups.values():
            if len(group) < _MIN_TEASERS:
                continue
            linked = [child for child in group if child in with_headline]
            short = [child for child in linked if _visible_length(child) <= _MAX_TEASER_CHARS]
            if len(short) >= _MIN_TEASERS and len(short) >= _TEASER_SHARE * len(group):
                found.update(linked)  # the story with the longest summary is a teaser all the same
    return found


def in_teaser(element: etree._Element, teasers: set[etree._Element]) -> bool:
    return any(ancestor in teasers for ancestor in element.iterancestors()) or element in teasers


def _fold(text: str) -> str:
    return _FOLD.sub("", text)


def _page_titles(root: etree._Element) -> list[str]:
    titles = [root.findtext(".//title") or ""]
    titles += [str(v) for v in root.xpath("//meta[@property='og:title']/@content")]
    return [folded for t in titles if len(folded := _fold(t)) >= _MIN_HEADLINE]


def _is_own(heading: etree._Element, titles: list[str]) -> bool:
    """A heading the page's title names: its headline, or the site or blog name printed in the title."""
    text = _fold("".join(heading.itertext()))
    return any(text in t or t in text for t in titles)


def _opens_with(block: etree._Element, heading: etree._Element) -> bool:
    """Whether the block's first text is the heading's: the block is that story, headline first."""
    first = _fold(next((t for t in block.itertext() if t.strip()), ""))
    return bool(first) and first in _fold("".join(heading.itertext()))


def other_story_blocks(root: etree._Element, candidates: list[etree._Element]) -> set[etree._Element]:
    """Candidates that sit under a headline other than the page's own: another story printed in full.

    Portals print recommended stories under their own ``<h1>``. When some ``<h1>`` is named by the page's
    title (its headline, or the site name) and another is not, a block whose nearest headline (its first
    line, else the last ``<h1>`` above it) is one the title does not name belongs to another story.
    Blocks holding one of the page's own ``<h1>`` are never in this set.
    """
    h1s = [h for h in root.iter("h1") if len(_fold("".join(h.itertext()))) >= _MIN_STORY_HEADLINE]
    titles = _page_titles(root)
    own = {h for h in h1s if _is_own(h, titles)}  # the title printed twice (screen, print) is one story
    if len(h1s) < 2 or not own or len(own) == len(h1s):
        return set()
    order = {element: index for index, element in enumerate(root.iter())}
    h1_positions = sorted((order[h], h) for h in h1s)
    h1_set = set(h1s)
    found: set[etree._Element] = set()
    for candidate in candidates:
        start = order.get(candidate)
        if start is None:
            continue
        inside = [h for h in candidate.iter("h1") if h in h1_set]
        if own.intersection(inside):
            continue
        if inside:
            heading = inside[0] if _opens_with(candidate, inside[0]) else None  # else a sub-heading
        else:
            above = [h for position, h in h1_positions if position < start]
            heading = above[-1] if above else None
        if heading is not None and heading not in own:
            found.add(candidate)
    return found


@dataclass(frozen=True)
class ContainerChoice:
    """The body block, and the regions that the vote found to be feed: teasers and other stories."""

    element: etree._Element | None
    teasers: frozenset[etree._Element] = frozenset()
    other_stories: frozenset[etree._Element] = frozenset()
    split: bool = False  # the element joins the parts of an article cut up by ads or widgets
    gaps: frozenset[etree._Element] = frozenset()  # the blocks between those parts: not the article

    def is_feed(self, element: etree._Element) -> bool:
        """Whether a line held by ``element`` belongs to a teaser or to another story."""
        if not self.teasers and not self.other_stories:
            return False
        return any(
            node in self.teasers or node in self.other_stories for node in (element, *element.iterancestors())
        )


def _vote(lines: list[TextLine], muted: frozenset[etree._Element]) -> dict[etree._Element, float]:
    """Each prose line's vote for its block and the two above; lines under a ``muted`` block abstain."""
    scores: dict[etree._Element, float] = defaultdict(float)
    for line in lines:
        weight = line_weight(line)
        if not weight:
            continue
        element: etree._Element | None = _vote_base(line.element)
        if muted and any(node in muted for node in (line.element, *line.element.iterancestors())):
            continue
        for share in (1.0, 0.5, 1 / 3):
            if element is None:
                break
            scores[element] += weight * share
            element = element.getparent()
    return scores


def _candidates(scores: dict[etree._Element, float]) -> list[tuple[float, etree._Element]]:
    return [
        (score * _class_bias(el), el) for el, score in scores.items() if tag_name(el) not in _NEVER_CONTAINERS
    ]


def choose_container(root: etree._Element, items: list[Item] | None = None) -> ContainerChoice:
    """The block element with the most prose under it (None when the page has no prose), once blocks
    of teasers and of other stories are discounted.

    Lines of another story do not vote at all (else the block holding both stories would win); a block
    inside a teaser keeps a small share of its vote, for pages that are nothing but a feed.
    ``items`` are the page's lines when the caller has read them already (reading twice costs time).
    """
    lines = list(text_lines(items if items is not None else read_lines(root)))
    candidates = _candidates(_vote(lines, frozenset()))
    if not candidates:
        return ContainerChoice(None)
    others = frozenset(other_story_blocks(root, [el for _, el in candidates]))
    if others:
        candidates = _candidates(_vote(lines, others))
        if not candidates:
            return ContainerChoice(None, other_stories=others)
    teasers = frozenset(teaser_items(root))
    if teasers:
        candidates = [
            (score * _TEASER_BIAS if in_teaser(el, teasers) else score, el) for score, el in candidates
        ]
    best = max(candidates, key=lambda pair: pair[0])[1]
    joined = _split_article(best, lines, teasers | others)
    if joined is not None:
        common, gaps = joined
        return ContainerChoice(common, teasers, others, split=True, gaps=frozenset(gaps))
    return ContainerChoice(best, teasers, others)


def _part_weights(lines: list[TextLine], parts: set[etree._Element]) -> dict[etree._Element, float]:
    """The prose weight of the lines under each part, in one pass over the lines."""
    weights: dict[etree._Element, float] = defaultdict(float)
    for line in lines:
        weight = line_weight(line)
        if not weight:
            continue
        for node in (line.element, *line.element.iterancestors()):
            if node in parts:
                weights[node] += weight
                break
    return weights


def _common_ancestor(best: etree._Element, others: list[etree._Element]) -> etree._Element | None:
    """The lowest ancestor of ``best`` that holds every one of ``others``."""
    levels = {node: level for level, node in enumerate(best.iterancestors())}
    highest = -1
    for other in others:
        level = next((levels[node] for node in other.iterancestors() if node in levels), None)
        if level is None:
            return None
        highest = max(highest, level)
    if highest < 0:
        return None
    return next(node for node, level in levels.items() if level == highest)


def _split_article(
    best: etree._Element, lines: list[TextLine], feed: frozenset[etree._Element]
) -> tuple[etree._Element, list[etree._Element]] | None:
    """The block holding every part of an article that the template cut into look-alike blocks.

    Pages that put an advert or a widget between paragraphs repeat the body block's tag and class for
    each part. When other blocks of the same tag and class hold prose, and their nearest common block
    holds nothing else but short blocks between them (advert labels), that common block is the article
    and the blocks between the parts are returned with it, to be left out.
    """
    key = best.get("class", "").strip()
    if not key:
        return None
    root = best.getroottree().getroot()
    parts = [
        el
        for el in root.iter(best.tag)
        if el.get("class", "").strip() == key
        and not any(node in feed for node in (el, *el.iterancestors()))
        and not any(a.get("class", "").strip() == key and a.tag == best.tag for a in el.iterancestors())
    ]
    weights = _part_weights(lines, set(parts))
    parts = [el for el in parts if weights.get(el, 0.0) >= _MIN_PART_WEIGHT]
    if len(parts) < 2 or best not in parts:
        return None
    common = _common_ancestor(best, [p for p in parts if p is not best])
    if common is None or tag_name(common) in {"html", "body"}:
        return None
    holders = {node for part in parts for node in (part, *part.iterancestors())}
    between = [child for child in common if child not in holders]
    if any(_visible_length(child) > _MAX_BETWEEN_CHARS for child in between):
        return None  # the common block holds more than the parts and the adverts between them
    return common, between


def find_container(root: etree._Element, items: list[Item] | None = None) -> etree._Element | None:
    """The block element with the most prose under it, or None when the page has no prose."""
    return choose_container(root, items).element
