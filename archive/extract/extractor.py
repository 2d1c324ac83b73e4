"""Orchestration: bytes in, one Extraction out, every field tagged with the rule that produced it.

Order of work: decode, parse, read the page as lines, set boilerplate blocks aside, find the body
container (site profile first, then the generic vote), then metadata from the lines (breadcrumb, title,
date, byline) with trafilatura/htmldate as the fallback for what the lines do not say, and last the page
classification (listings, home pages and calendars are "not-article": stored, never indexed).

trafilatura runs only when it is needed (a generic container to check, body-only, without its metadata
pass) and htmldate only when no date line was found: most of their cost is skipped on the site's own
pages, and our time per page stays below plain trafilatura's on the Chinese set.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin

from lxml import etree

from .agreement import BodyChoice, OutsideLine, read_apart, reconcile
from .boilerplate import drop_boilerplate_lines, find_blocks
from .bylines import (
    Byline,
    bare_name,
    is_byline_line,
    leading_byline,
    parse_byline_lines,
    trailing_signature,
)
from .charset import decode_html
from .classify import is_prose, not_article_reason, page_shape
from .container import ContainerChoice, choose_container
from .dates import (
    DATE_PATTERN,
    LABELLED_HEADER_LINES,
    find_labelled_date,
    find_relative_date,
    find_unlabelled_date,
    issue_date,
    labelled_date,
    near,
    parse_date,
    structured_date,
    url_date,
)
from .images import attach_captions, is_caption_line
from .lines import ImageItem, Item, TextLine, read_lines_and_depth, tag_name, text_lines
from .links import collect_links
from .names import person_names, site_names
from .navigation import BREADCRUMB_LABEL, find_breadcrumb, section_from
from .options import ExtractOptions
from .parsing import TooDeep, parse_html
from .profiles import SiteProfile, select_profile
from .result import BoilerplateBlock, Extraction
from .structured import compact_date, read_structured
from .titles import choose_title, strip_site_suffix
from .trafilatura_pass import TrafilaturaResult, find_html_date, run_trafilatura


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


EXTRACTOR_NAME = "minzu-archive"
EXTRACTOR_VERSION = f"{_version('minzu-archive')}+trafilatura-{_version('trafilatura')}"

_NON_HTML_TYPES = re.compile(
    r"^\s*(image|audio|video|font)/|application/(pdf|zip|octet-stream|x-|msword|vnd\.)", re.I
)
_HEADING_END = re.compile(r"[。；;，,：:！!？?]$")
_MAX_HEADING = 60
_HEAD_ZONE = 6  # lines at either end of the body where metadata lines (date, byline) are looked for
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")  # what is left after removing these runs is the CJK
# Real article pages nest 20 to 60 levels deep; justext's cost grows with depth times size.
_FALLBACK_MAX_DEPTH = 200
_CELL_TAGS = frozenset({"td", "th", "dt", "dd"})
_SIGNATURE_LINES = 3  # "（袁源）" may sit on its own line, under the last paragraph or a closing note
# ``<meta name="author">`` filled in by the template: the forum software or web agency, not the writer.
_TEMPLATE_AUTHOR = re.compile(
    r"\b(?:team|inc|ltd|llc|corp|software|studio|webmaster|admin(?:istrator)?|powered)\b|discuz|phpwind|"
    r"dedecms|wordpress|comsenz|织梦|帝国CMS|技术支持|网络科技|信息技术|有限公司",
    re.IGNORECASE,
)
# "——当代中国的精神危机", "—— 论……": a subtitle printed under the headline.
_SUBTITLE = re.compile(r"^\s*(——|--|－－)")
_TRANSLATOR = re.compile(r"^\s*(译者?|翻译|编译)\s*[:：]")
_QUOTES_AND_SPACE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]")


def extract_page(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    capture_date: dt.date | dt.datetime | None = None,
    options: ExtractOptions | None = None,
) -> Extraction:
    """Extract one page. Never raises: problems come back as status "empty", "not-article" or "error".

    ``capture_date``: when the page was fetched, a day or (better) a time. No later date is taken as its
    publication date, and relative dates ("3小时前", "昨天 10:30") are resolved against it.
    """
    options = options or ExtractOptions()
    result = Extraction(
        url=url, extractor=EXTRACTOR_NAME, extractor_version=EXTRACTOR_VERSION, options=options.to_dict()
    )
    try:
        _extract_into(result, body, url, content_type, capture_date, options)
    except Exception as exc:  # one bad page must not stop an ingest of thousands
        result.status = "error"
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def _refuse(result: Extraction, status: str, error: str) -> None:
    result.status = status
    result.error = error


# Control characters that text does not hold (bytes 9-13, tab to carriage return, are kept).
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def _looks_binary(body: bytes) -> bool:
    head = body[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    # Counted in C (translate deletes them): a Python loop over the bytes cost 0.4 ms a page.
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return b"\x00" in head or control > len(head) * 0.05


def _parse(text: str) -> etree._Element | None:
    """The page's tree, for callers that only need one (tests, tools)."""
    parsed = parse_html(text)
    return parsed.root if parsed is not None else None


def _over_budget(body: bytes, options: ExtractOptions) -> str | None:
    """Why a page is over the size budget (bytes, or tags estimated as the count of "<"), or None."""
    if len(body) > options.max_html_bytes:
        return f"{len(body):,} bytes of HTML, over the budget of {options.max_html_bytes:,}"
    tags = body.count(b"<")
    if tags > options.max_html_tags:
        return f"about {tags:,} tags, over the budget of {options.max_html_tags:,}"
    return None


def _extract_into(
    result: Extraction,
    body: bytes,
    url: str,
    content_type: str | None,
    capture_date: dt.date | dt.datetime | None,
    options: ExtractOptions,
) -> None:
    if not body or not body.strip():
        return _refuse(result, "empty", "empty body")
    if (content_type and _NON_HTML_TYPES.search(content_type)) or _looks_binary(body):
        return _refuse(result, "not-article", f"not HTML ({content_type or 'binary bytes'})")
    if (reason := _over_budget(body, options)) is not None:
        result.rules["status"] = "budget:size"
        return _refuse(result, "too-large", reason)
    decoded = decode_html(body, content_type)
    result.rules["encoding"] = f"{decoded.rule}:{decoded.encoding}"
    try:
        parsed = parse_html(decoded.text)
    except TooDeep as exc:
        return _refuse(result, "too-deep", str(exc))
    if parsed is None:
        return _refuse(result, "empty", "no HTML elements")
    root = parsed.root
    if parsed.flattened:
        result.diagnostics["flattened"] = 1
    profile = select_profile(url, options.profile)
    base_url = _base_url(root, url)
    page = _PageReader(root, url, base_url, profile, capture_date, options, result)
    page.tag_count = body.count(b"<")
    page.run(decoded.text)
    if result.status == "ok" and sum(len(p) for p in result.paragraphs) < options.min_body_chars:
        _refuse(result, "not-article", "no article text found")


def _base_url(root: etree._Element, url: str) -> str:
    """The page's ``<base href>`` when it is a usable address, else the page's own URL."""
    base = root.xpath("//base/@href")
    value = str(base[0]).strip() if base else ""
    if not value:
        return url
    try:
        return urljoin(url, value)
    except ValueError:
        return url  # a malformed <base> ("http://[::1/") is ignored, not fatal


def _fold(text: str) -> str:
    return _QUOTES_AND_SPACE.sub("", unicodedata.normalize("NFKC", text))


def same_headline(line: str, title: str) -> bool:
    """A line that is the headline, or most of it: quotes, spaces and a kicker or deck may differ."""
    a, b = _fold(line), _fold(title)
    if len(a) < 4 or len(b) < 4:
        return a == b and bool(a)
    short, long = sorted((a, b), key=len)
    return short in long and len(short) >= 0.4 * len(long)


def _has_time(iso: str) -> bool:
    """A time of day other than the midnight that date-only CMS fields are stored with."""
    return "T" in iso and not iso.endswith(("T00:00", "T00:00:00"))


def _parse_lines(lines: list[TextLine]) -> Byline:
    """Byline fields from consecutive page lines. Photo credits, breadcrumbs and link lines (menus,
    "新华社记者看东北" as a channel name) are left out; table or definition-list cells may hold a label
    in one cell and its value in the next."""
    kept = [
        line
        for line in lines
        if not is_caption_line(line.text) and line.link_share <= 0.6 and not BREADCRUMB_LABEL.match(line.text)
    ]
    cells = frozenset(i for i, line in enumerate(kept) if tag_name(line.element) in _CELL_TAGS)
    return parse_byline_lines([line.text for line in kept], cells)


def _meta(root: etree._Element, *names: str) -> str | None:
    for name in names:
        for value in root.xpath(f"//meta[@name='{name}' or @property='{name}']/@content"):
            if str(value).strip():
                return str(value).strip()
    return None


class _PageReader:
    """Holds one page's parsed state while the rules run over it."""

    def __init__(
        self,
        root: etree._Element,
        url: str,
        base_url: str,
        profile: SiteProfile | None,
        capture_date: dt.date | dt.datetime | None,
        options: ExtractOptions,
        result: Extraction,
    ) -> None:
        self.root, self.url, self.base_url = root, url, base_url
        self.profile, self.capture_date, self.options, self.result = profile, capture_date, options, result
        # The latest day a publication date may have: the capture day.
        self.latest = capture_date.date() if isinstance(capture_date, dt.datetime) else capture_date
        self.structured = read_structured(root)
        self.tag_count = 0  # tags in the page's bytes, estimated as the count of "<"
        self.items, self.depth = read_lines_and_depth(root)
        self.in_forms = {node for form in root.iter("form") for node in form.iter()}
        self._trafilatura: dict[bool, TrafilaturaResult | None] = {}  # by ``fast``
        self._html = ""
        self._choice = ContainerChoice(None)

    def trafilatura(self, fast: bool) -> TrafilaturaResult | None:
        """trafilatura's body on this page, its fallbacks (justext, readability) run unless ``fast``
        or the page is too big for them; each pass runs at most once per page."""
        too_big = (
            self.tag_count > self.options.fallback_max_tags
            or "flattened" in self.result.diagnostics
            or self.depth > _FALLBACK_MAX_DEPTH
        )
        if too_big:
            self.result.diagnostics["trafilatura_fallbacks_skipped"] = 1
        fast = fast or too_big
        if fast not in self._trafilatura:
            self._trafilatura[fast] = run_trafilatura(
                self.root, self.url, self.latest, self.options, fast=fast
            )
        return self._trafilatura[fast]

    def _second_opinion(self, paragraphs: list[str], inside: set[etree._Element]) -> BodyChoice:
        """Our container's lines checked against trafilatura's main pass; its fallbacks only as a
        tie-breaker.

        trafilatura's fallbacks (readability, justext) are its own second opinion, and they cost about
        a third of its time on an article. Here trafilatura is already the second opinion to our vote,
        so they run only when the two read mostly different text (or one read nothing) and the page has
        prose to rescue. On the eval pages that is 5 pages of 278, and the body F1 is unchanged on the
        Chinese set and higher on the English one against running them everywhere (docs/benchmarks.md,
        "Rebuild of pages outside the site profile, after trafilatura's fallbacks became a tie-breaker").
        """
        outside = self._outside(inside)
        main_pass = self.trafilatura(fast=True)
        theirs = main_pass.text if main_pass else None
        if read_apart(paragraphs, theirs) and any(is_prose(line) for line in text_lines(self.items)):
            with_fallbacks = self.trafilatura(fast=False)
            theirs = with_fallbacks.text if with_fallbacks else None
        return reconcile(paragraphs, theirs, outside)

    def run(self, html: str) -> None:
        self._html = html
        result = self.result
        container, rule = self._container()
        result.rules["body"] = rule
        blocks = find_blocks(self.items, container)
        result.boilerplate = [found.block for found in blocks]
        taken = {index for found in blocks for index in found.indices}
        free = [item for index, item in enumerate(self.items) if index not in taken]
        free_lines = [item for item in free if isinstance(item, TextLine)]

        breadcrumb = find_breadcrumb(free_lines)
        if breadcrumb is not None:
            result.breadcrumb = breadcrumb.parts
            result.rules["breadcrumb"] = breadcrumb.rule
        self._title(free_lines)
        if breadcrumb is not None and (section := section_from(breadcrumb, result.title)):
            result.section = section
            result.rules["section"] = "breadcrumb:last"

        inside = set(container.iter()) if container is not None else set()
        inside -= {node for gap in self._choice.gaps for node in gap.iter()}
        body_items = [item for item in free if item.element in inside]
        body_items = self._drop_metadata_lines(body_items)
        images, caption_positions, bad_images = attach_captions(body_items, self.base_url)
        if bad_images:
            result.diagnostics["bad_images"] = bad_images
        if self.options.include_images:
            result.images = images
        lines = [
            it for i, it in enumerate(body_items) if isinstance(it, TextLine) and i not in caption_positions
        ]
        paragraphs = [line.text for line in lines]
        if rule == "container:vote" and self._choice.split:
            result.rules["body"] = "container:vote:split-article"
        elif rule == "container:vote":
            choice = self._second_opinion(paragraphs, inside)
            paragraphs, result.rules["body"] = choice.lines, f"container:{choice.rule}"
        paragraphs, dropped = drop_boilerplate_lines(paragraphs)
        result.boilerplate.extend(dropped)
        kept = set(paragraphs)
        result.paragraphs = paragraphs
        result.section_headings = [
            line.text for line in lines if line.text in kept and self._is_heading(line)
        ]

        self._body_start = next((i for i, line in enumerate(free_lines) if line.element in inside), None)
        self._date(free_lines, lines)
        self._byline(free_lines, lines)
        self._drop_header_block()
        result.language = self._language()
        self._classify(free_lines)
        if self.options.include_links:
            regions = self._link_regions(container, breadcrumb, blocks)
            result.links, bad_links = collect_links(self.root, self.base_url, regions)
            if bad_links:
                result.diagnostics["bad_links"] = bad_links

    def _classify(self, free_lines: list[TextLine]) -> None:
        """Listings and index pages keep their rows (links, title) but lose the article-only fields."""
        by_text = {line.text: line for line in free_lines}
        body = [by_text.get(text) or TextLine(text, self.root) for text in self.result.paragraphs]
        reason = not_article_reason(page_shape(body))
        if reason is None:
            return
        result = self.result
        result.status, result.error = "not-article", reason
        result.rules["status"] = "shape:" + ("no-prose" if reason.startswith("no prose") else "listing")
        result.published = result.author = result.source = result.editor = None
        for name in ("published", "author", "source", "editor"):
            result.rules.pop(name, None)

    # -- body -------------------------------------------------------------------------------
    def _container(self) -> tuple[etree._Element | None, str]:
        if self.profile is not None and (found := self.profile.find_container(self.root)) is not None:
            return found, f"profile:{self.profile.name}:container"
        self._choice = choose_container(self.root, self.items)
        return self._choice.element, "container:vote"

    def _outside(self, inside: set[etree._Element]) -> Iterator[OutsideLine]:
        """The page's lines outside the container, each marked when it is feed (links, teasers); read
        as they are asked for, since the second opinion needs them only when ours was a fragment."""
        choice = self._choice
        return (
            OutsideLine(line.text, line.link_share > 0.5 or choice.is_feed(line.element))
            for line in text_lines(self.items)
            if line.element not in inside
        )

    def _drop_metadata_lines(self, items: list[Item]) -> list[Item]:
        """Title, breadcrumb, date and byline lines repeated inside the container are not body text."""
        title = self.result.title
        text_positions = [i for i, item in enumerate(items) if isinstance(item, TextLine)]
        edge = set(text_positions[:_HEAD_ZONE] + text_positions[-_HEAD_ZONE:])
        kept: list[Item] = []
        for index, item in enumerate(items):
            after_image = index > 0 and isinstance(items[index - 1], ImageItem)
            if after_image and isinstance(item, TextLine) and is_caption_line(item.text):
                kept.append(item)  # "县城一角 通讯员 张三/摄" credits a photo; it is not the article's byline
                continue
            if isinstance(item, TextLine) and index in edge and self._is_metadata_line(item.text, title):
                continue
            kept.append(item)
        return kept

    def _drop_header_block(self) -> None:
        """The article's own header printed again at the top of the body: headline, author, subtitle.

        Only the lines above the first prose line are looked at, and only up to the last one that is
        recognisably header (the headline, the author found, a byline, translator or date line), plus
        the "——" subtitle lines right under it; a section heading after them stays.
        """
        result = self.result
        paragraphs = result.paragraphs
        head: list[str] = []
        for text in paragraphs[: _HEAD_ZONE + 1]:
            if len(text) > _MAX_HEADING or is_prose(TextLine(text, self.root)):
                break
            head.append(text)
        if len(head) > _HEAD_ZONE or len(head) == len(paragraphs):
            return  # no prose right under it (verse, a listing): nothing tells a header from the text
        last = -1
        for index, text in enumerate(head):
            if self._is_header_line(text):
                last = index
        if last < 0:
            return
        end = last + 1
        while end < len(head) and _SUBTITLE.match(head[end]):
            end += 1
        result.boilerplate.append(BoilerplateBlock("header", tuple(paragraphs[:end])))
        result.paragraphs = paragraphs[end:]
        kept = set(result.paragraphs)
        result.section_headings = [h for h in result.section_headings if h in kept]

    def _is_header_line(self, text: str) -> bool:
        result = self.result
        if result.title and same_headline(text, result.title):
            return True
        if result.author and text.strip(" \u3000\xa0") == result.author:
            return True
        if _TRANSLATOR.match(text) or is_byline_line(text):
            return True
        return len(text) <= 30 and DATE_PATTERN.fullmatch(text.strip()) is not None

    def _is_metadata_line(self, text: str, title: str | None) -> bool:
        if title and text == title:
            return True
        if BREADCRUMB_LABEL.match(text):
            return True
        if len(text) <= 80 and labelled_date(text, None) is not None:
            return True
        return is_byline_line(text)

    @staticmethod
    def _is_heading(line: TextLine) -> bool:
        if len(line.text) > _MAX_HEADING or _HEADING_END.search(line.text):
            return False
        tag = line.element.tag if isinstance(line.element.tag, str) else ""
        return line.is_bold or tag in {"h2", "h3", "h4", "h5", "h6"}

    # -- metadata -------------------------------------------------------------------------------
    def _title(self, lines: list[TextLine]) -> None:
        result = self.result
        if self.profile is not None and (title := self.profile.find_title(self.root)):
            result.title, result.rules["title"] = title, "profile:h1"
            return
        headings = [" ".join("".join(h.itertext()).split()) for h in self.root.xpath("//h1|//h2|//h3")]
        title_tag = self.root.findtext(".//title")
        og_title = _meta(self.root, "og:title")
        title, rule = choose_title(title_tag, headings, og_title)
        if title:
            result.title, result.rules["title"] = title, rule

    def _title_index(self, lines: list[TextLine]) -> int | None:
        title = self.result.title
        if not title:
            return None
        return next((i for i, line in enumerate(lines) if line.text == title), None)

    def _anchors(self, lines: list[TextLine]) -> list[int]:
        """Where the article starts in the page's lines: at its title, else at its body."""
        return [i for i in (self._title_index(lines), self._body_start) if i is not None]

    def _date(self, lines: list[TextLine], body_lines: list[TextLine]) -> None:
        """The article's own header and structured data first, then dates elsewhere in its text.

        Order: the site profile's date line; a labelled date in the header (发布时间：…); an unlabelled
        date there; the page's structured data (JSON-LD, microdata, ``<meta>``); a relative or year-less
        date in the header, resolved against the capture date; a labelled date anywhere else outside
        boilerplate; an unlabelled date where the body starts; the issue a reprint cites; htmldate.
        When the winner has no time of day and the structured data gives one for the same day, the
        time is kept.
        """
        result, latest = self.result, self.latest
        found = self._profile_date(lines) or self._text_date(lines, body_lines)
        stated = self._structured_date()
        if found is None and stated is not None:
            found = stated
        if found is None:
            guessed = find_html_date(self.root, self.url, latest)
            found = (guessed, "htmldate") if guessed else None
        if found is None:
            return
        iso, rule = found
        if stated is not None and "T" not in iso and stated[0].startswith(iso) and _has_time(stated[0]):
            iso = stated[0]
        result.published, result.rules["published"] = iso, rule

    def _profile_date(self, lines: list[TextLine]) -> tuple[str, str] | None:
        if self.profile is None or (pattern := self.profile.date_pattern()) is None:
            return None
        for line in lines:
            if (match := pattern.search(line.text)) and (iso := parse_date(match["value"], self.latest)):
                return iso, f"profile:{match['label']}"
        return None

    def _structured_date(self) -> tuple[str, str] | None:
        value = self.structured.published
        if not value:
            return None
        iso = structured_date(value, self.latest) or structured_date(compact_date(value) or "", self.latest)
        return (iso, self.structured.published_rule) if iso else None

    def _text_date(self, lines: list[TextLine], body_lines: list[TextLine]) -> tuple[str, str] | None:
        latest = self.latest
        anchors = self._anchors(lines)
        header = [line for anchor in anchors[:1] for line in near(lines, anchor, LABELLED_HEADER_LINES)]
        if anchors and self._body_start is not None and self._body_start > anchors[0]:
            header = header[: self._body_start + 1 - max(0, anchors[0] - 2)]  # not into the body's text
        if (found := find_labelled_date(header, latest)) is not None:
            return found
        header = [line for anchor in anchors[:1] for line in near(lines, anchor)]
        if iso := find_unlabelled_date(header, latest):
            return iso, "text:near-title"
        if (stated := self._structured_date()) is not None:
            return stated
        url_day = url_date(self.url)
        for anchor in anchors:
            if (found := find_relative_date(near(lines, anchor), self.capture_date, url_day)) is not None:
                return found
        if (found := find_labelled_date(lines, latest)) is not None:
            return found
        for anchor in anchors[1:]:
            if iso := find_unlabelled_date(near(lines, anchor), latest):
                return iso, "text:near-body"
        if iso := issue_date(body_lines[-_HEAD_ZONE:], latest):
            return iso, "text:issue"
        return None

    def _byline(self, page_lines: list[TextLine], body_lines: list[TextLine]) -> None:
        """Author, source and editor, each from the strongest evidence that names one.

        Author, in order: a labelled byline in the header; the structured data's Person; a labelled
        byline closing the body or under it; the bracketed signature closing the last paragraph; a
        personal name alone under the headline; ``<meta name="author">``. Every candidate is vetted by
        names.person_names against the site's own names, so a portal, an id or a URL is never stored.
        """
        result = self.result
        byline = Byline()
        # Lines of a form (comment box, login, search) hold placeholders and prompts, never a byline.
        page_lines = [line for line in page_lines if line.element not in self.in_forms]
        body_lines = [line for line in body_lines if line.element not in self.in_forms]
        anchors = self._anchors(page_lines)
        start = max(0, min(anchors) - 3) if anchors else 0
        end = (self._body_start or 0) + _HEAD_ZONE
        header = page_lines[start:end] if anchors else []
        footer: list[TextLine] = []
        if body_lines and (
            last := next((i for i, ln in enumerate(page_lines) if ln is body_lines[-1]), None)
        ):
            footer = page_lines[last + 1 : last + 1 + _HEAD_ZONE]
        byline.merge(_parse_lines(header))
        for line in body_lines[:2]:
            byline.merge(leading_byline(line.text))
        if byline.author is None and (person := self._structured_person()):
            byline.merge(person)
        byline.merge(_parse_lines(body_lines[-_HEAD_ZONE:]))
        byline.merge(_parse_lines(footer))
        if byline.author is None:
            for line in reversed(body_lines[-_SIGNATURE_LINES:]):
                byline.merge(trailing_signature(line.text))
        if byline.author is None:
            byline.merge(self._bare_name(page_lines, body_lines))
        if byline.author is None:
            byline.merge(self._meta_author(byline.editor))
        self._vet(byline)
        result.author, result.source, result.editor = byline.author, byline.source, byline.editor
        result.rules.update({k: v for k, v in byline.rules.items() if getattr(byline, k) is not None})

    def _site_names(self) -> set[str]:
        title_tag = self.root.findtext(".//title") or ""
        suffix = title_tag[len(strip_site_suffix(title_tag)) :]
        return site_names(suffix, *self.structured.site_names)

    def _vet(self, byline: Byline) -> None:
        """No site name or source as the author; a value the source repeats is not a person."""
        if byline.author is None or byline.rules.get("author", "").startswith("byline:发"):
            return
        not_names = self._site_names() | ({byline.source} if byline.source else set())
        vetted = person_names(byline.author, labelled=True, not_names=not_names, keep_latin_single=True)
        if vetted is None:
            byline.author = None
            byline.rules.pop("author", None)

    def _structured_person(self) -> Byline | None:
        names = [
            name
            for value in self.structured.persons
            if (name := person_names(value, labelled=False, not_names=self._site_names()))
        ]
        if not names:
            return None
        return Byline(author=" ".join(names), rules={"author": self.structured.person_rule})

    def _meta_author(self, editor: str | None) -> Byline:
        """``<meta name="author">`` and its kin, when they hold a person who is not the page's editor:
        news CMSs (TRS and its like, on gmw.cn, china.com.cn, chinanews.com, banyuetan.org…) fill the
        field with the editor who published the page, whom the page itself labels 责任编辑."""
        generator = _meta(self.root, "generator")
        for value, name in self.structured.meta_authors:
            if _TEMPLATE_AUTHOR.search(value) or value == generator or "@" in value:
                continue  # the template's vendor, or a contact address: not the writer
            names = person_names(value, labelled=False, not_names=self._site_names())
            if names and editor and set(names.split()) <= set(editor.split()):
                continue  # the editor, not the writer
            if names:
                return Byline(author=names, rules={"author": f"meta:{name}"})
        return Byline()

    def _bare_name(self, page_lines: list[TextLine], body_lines: list[TextLine]) -> Byline:
        """A name alone on the line right under the headline: under the title line of the page, or under
        a short heading that opens the body (pages whose ``<title>`` says nothing useful)."""
        candidates: list[TextLine] = []
        if (title_index := self._title_index(page_lines)) is not None and title_index + 1 < len(page_lines):
            candidates.append(page_lines[title_index + 1])
        if len(body_lines) > 1 and len(body_lines[0].text) <= _MAX_HEADING and not is_prose(body_lines[0]):
            candidates.append(body_lines[1])
        for line in candidates:
            if line.link_share == 0 and (found := bare_name(line.text)).author:
                return found
        return Byline()

    def _language(self) -> str | None:
        text = "".join(self.result.paragraphs)
        if text and len(_NOT_CJK.sub("", text)) > 0.3 * len(text):
            return "zh"
        lang = self.root.get("lang") or self.root.get("xml:lang")
        return lang.split("-")[0].lower() if lang else None

    def _link_regions(self, container, breadcrumb, blocks) -> dict[etree._Element, str]:
        regions: dict[etree._Element, str] = {}
        if container is not None:
            regions[container] = "body"
        for found in blocks:
            for index in found.indices:
                element = self.items[index].element
                regions.setdefault(
                    element, found.block.kind if found.block.kind == "related" else "boilerplate"
                )
        if breadcrumb is not None and breadcrumb.element is not None:
            regions[breadcrumb.element] = "breadcrumb"
        return regions


__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "ImageItem", "extract_page"]
