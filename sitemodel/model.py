"""Plain data describing the modelled site, so tests can check a crawl against what was served.

A ``Site`` holds an index of ``Entry`` rows (id, date, channel, title, how many images) for every article,
which is small even for ten thousand articles; an ``Article`` with its body is generated only when asked for
(``Site.article``), so memory does not grow with the size of the site.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

ORIGIN = "http://www.56-china.com.cn"
HTTPS_ORIGIN = "https://www.56-china.com.cn"
HOST = "www.56-china.com.cn"
ARTICLE_CACHE = 512  # generated articles kept; bounded so memory does not grow with the site
LISTING_SIZE = 20  # articles a listing page shows, as on the real site


@dataclass(frozen=True)
class Block:
    """One paragraph of an article body as the page shows it.

    ``kind`` is "paragraph", "heading", "image" (``text`` is the alt text, ``src`` the image path) or
    "caption" (the centred line under an image). ``text`` is verbatim, leading indentation included.
    """

    kind: str
    text: str
    src: str | None = None


@dataclass(frozen=True)
class ArticleImage:
    """An ``<img>`` in an article: its path on the site, alt text and the caption line under it (if any)."""

    src: str
    alt: str
    caption: str | None = None


@dataclass(frozen=True)
class RelatedLink:
    """An entry of an article's 相关文章 list, frozen when the page was (notionally) published."""

    path: str
    title: str
    date: str


@dataclass(frozen=True)
class Channel:
    """A 栏目 with its listing pages ``/list-case-<catid>-<page>.html``."""

    catid: int
    name: str

    def listing_path(self, page: int) -> str:
        return f"/list-case-{self.catid}-{page}.html"


def article_path(article_id: int) -> str:
    return f"/show-case-{article_id}.html"


def image_path(stamp: str, number: int) -> str:
    """``/uploadfile/YYYY/MMDD/<stamp>_<n>.jpg``, the upload layout of the PHPCMS family (a guess)."""
    return f"/uploadfile/{stamp[:4]}/{stamp[4:8]}/{stamp}_{number}.jpg"


@dataclass(frozen=True, slots=True)
class Entry:
    """One article in the site's index: everything but its body, which is generated on request.

    ``place`` indexes the prose generator's place names (the article's subject); ``stamp`` (YYYYMMDDhhmmss,
    unique) names its images; ``updated`` is the day of a later edit (version 2).
    """

    id: int
    date: str
    catid: int
    title: str
    place: int
    image_count: int
    captions: bool
    stamp: str
    encoding: str = "utf-8"
    updated: str | None = None

    @property
    def path(self) -> str:
        return article_path(self.id)

    @property
    def url(self) -> str:
        return ORIGIN + self.path

    @property
    def modified(self) -> str:
        return self.updated or self.date

    @property
    def image_paths(self) -> tuple[str, ...]:
        return tuple(image_path(self.stamp, n) for n in range(1, self.image_count + 1))

    @property
    def order(self) -> tuple[str, int]:
        """Sort key of listings: newest first when reversed."""
        return (self.date, self.id)


@dataclass(frozen=True)
class Article:
    """One article page ``/show-case-<id>.html``; ``encoding`` is the charset the page is served in."""

    id: int
    title: str
    date: str  # ISO date, as on the page's 发布日期 line
    channel: Channel
    blocks: tuple[Block, ...]
    description: str
    encoding: str = "utf-8"
    updated: str | None = None  # ISO date of a later edit (version 2), drives Last-Modified
    extra_links: tuple[tuple[str, str], ...] = ()  # (href, text) appended to the body, e.g. a dead link
    related: tuple[RelatedLink, ...] = ()  # older siblings, fixed at publication like a static CMS page

    @property
    def path(self) -> str:
        return article_path(self.id)

    @property
    def url(self) -> str:
        return ORIGIN + self.path

    @property
    def modified(self) -> str:
        """Day of the last change, for Last-Modified."""
        return self.updated or self.date

    @property
    def images(self) -> tuple[ArticleImage, ...]:
        found: list[ArticleImage] = []
        for i, block in enumerate(self.blocks):
            if block.kind != "image" or block.src is None:
                continue
            nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
            caption = nxt.text.strip() if nxt is not None and nxt.kind == "caption" else None
            found.append(ArticleImage(src=block.src, alt=block.text, caption=caption))
        return tuple(found)

    @property
    def image_paths(self) -> tuple[str, ...]:
        return tuple(image.src for image in self.images)

    @property
    def captions(self) -> tuple[str, ...]:
        """What a reader sees as each image's caption: the caption line, else the alt text (as in the gold)."""
        return tuple(image.caption or image.alt for image in self.images)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Expected extracted body: paragraphs and headings in order, outer whitespace stripped."""
        body = [b.text.strip() for b in self.blocks if b.kind in ("paragraph", "heading")]
        return (*body, *(text for _, text in self.extra_links))

    @property
    def section_headings(self) -> tuple[str, ...]:
        return tuple(b.text.strip() for b in self.blocks if b.kind == "heading")


@dataclass(frozen=True)
class Trouble:
    """Where the deliberate trouble lives, so tests refer to it by role instead of by hard-coded path."""

    gbk_article_id: int
    flaky_article_id: int  # answers 500 to its first request
    slow_path: str
    dead_link_path: str
    old_url: str  # path + query that answers 301
    old_url_target: str
    disallowed_path: str
    topic_path: str  # the non-ASCII path, unencoded
    calendar_start: str
    offsite_links: tuple[str, ...]
    private_links: tuple[str, ...]
    dead_link_article_id: int = 0
    refusing_article_id: int = 0  # holds the image the model refuses (when switched on)


@dataclass(frozen=True)
class Options:
    """Switches for what the model serves; none changes which articles exist.

    ``refused_image``: one article image answers 403 (hotlink protection), for completeness reports.
    ``http_links``: a few links use the absolute ``http://`` form of pages (the footer's 网站首页 on every
    page, the home page's 推荐 link to the seed), so an https crawl meets both forms of one URL.
    ``sitemap``: robots.txt names ``/sitemap.xml``, a sitemap index listing every article. Off by default,
    since a sitemap lets a crawler reach every article without paginating.
    """

    refused_image: bool = True
    http_links: bool = True
    sitemap: bool = False


class ArticleList(Sequence["Article"]):
    """Articles of a run of index entries, generated on access: ``site.articles`` at any size."""

    def __init__(self, site: Site, entries: Sequence[Entry]) -> None:
        self._site = site
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> ArticleList: ...
    def __getitem__(self, index: int | slice) -> Article | ArticleList:
        if isinstance(index, slice):
            return ArticleList(self._site, self._entries[index])
        return self._site.article(self._entries[index].id)

    def __iter__(self) -> Iterator[Article]:
        for entry in self._entries:
            yield self._site.article(entry.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


ArticleMaker = Callable[["Site", Entry], Article]


class Site:
    """One version of the site: its index, trouble and switches. Bodies come from ``make_article``.

    ``entries`` are the articles served, in id order; ``published`` also holds every article ever
    published (those removed in version 2 included), since frozen 相关文章 lists still name them.
    """

    def __init__(
        self,
        *,
        version: int,
        size: int,
        channels: tuple[Channel, ...],
        entries: tuple[Entry, ...],
        published: tuple[Entry, ...],
        original_ids: frozenset[int],
        trouble: Trouble,
        subscription_lines: tuple[str, ...],
        attachment_path: str,
        logo_path: str,
        subscription_image_path: str,
        make_article: ArticleMaker,
        options: Options = Options(),
        photo_style: str = "full",
        per_page: int = LISTING_SIZE,
        removed: tuple[tuple[str, int], ...] = (),
        replaced_images: tuple[str, ...] = (),
        refused_images: tuple[str, ...] = (),
        edited_ids: tuple[int, ...] = (),
        new_ids: tuple[int, ...] = (),
        revised: str | None = None,
    ) -> None:
        self.version = version
        self.size = size
        self.channels = channels
        self.entries = entries
        self.trouble = trouble
        self.subscription_lines = subscription_lines
        self.attachment_path = attachment_path
        self.logo_path = logo_path
        self.subscription_image_path = subscription_image_path
        self.options = options
        self.photo_style = photo_style
        self.per_page = per_page
        self.removed = dict(removed)
        self.removed_paths = tuple(path for path, _ in removed)
        self.replaced_images = replaced_images
        self.refused_images = refused_images
        self.edited_ids = edited_ids
        self.new_ids = new_ids
        self.revised = revised
        self._make_article = make_article
        self._by_id = {e.id: e for e in entries}
        self._published = {e.id: e for e in published}
        self._by_stamp = {e.stamp: e for e in entries}
        self._channel_by_id = {c.catid: c for c in channels}
        newest_first = sorted(entries, key=lambda e: e.order, reverse=True)
        self._newest_first = tuple(newest_first)
        self._by_channel = {c.catid: tuple(e for e in newest_first if e.catid == c.catid) for c in channels}
        # 相关文章 of an article: siblings older than it, as they stood on its publication day. Articles of
        # the first version see the first version's channels; later ones see the channels they joined.
        self._original_ids = original_ids
        self._original_order = {
            c.catid: sorted((e for e in published if e.id in original_ids and e.catid == c.catid), key=_order)
            for c in channels
        }
        self._later_order = {c.catid: sorted(self._by_channel[c.catid], key=_order) for c in channels}
        self._newest_change = max((e.modified for e in entries), default="2014-01-01")
        self._channel_change = {
            catid: max((e.modified for e in rows), default=self._newest_change)
            for catid, rows in self._by_channel.items()
        }
        self._by_month: dict[str, list[Entry]] = {}
        for entry in entries:
            self._by_month.setdefault(entry.date[:7], []).append(entry)
        self.article = lru_cache(maxsize=ARTICLE_CACHE)(self._article)  # type: ignore[method-assign]

    # --- articles ---------------------------------------------------------------------------------------

    @property
    def articles(self) -> ArticleList:
        """Every article served, generated as iterated (id order)."""
        return ArticleList(self, self.entries)

    def _article(self, article_id: int) -> Article:
        entry = self._by_id.get(article_id)
        if entry is None:
            raise KeyError(article_id)
        return self._make_article(self, entry)

    def article(self, article_id: int) -> Article:  # replaced by a cached version in __init__
        return self._article(article_id)

    def entry(self, article_id: int) -> Entry | None:
        return self._by_id.get(article_id)

    def published_entry(self, article_id: int) -> Entry | None:
        """An article's index row even when this version removed it."""
        return self._published.get(article_id)

    def entry_by_stamp(self, stamp: str) -> Entry | None:
        return self._by_stamp.get(stamp)

    def article_by_path(self, path: str) -> Article | None:
        article_id = _article_id(path)
        return self.article(article_id) if article_id in self._by_id else None

    def older_siblings(self, entry: Entry, count: int) -> tuple[Entry, ...]:
        """The ``count`` newest articles of ``entry``'s channel older than it, on its publication day."""
        pool = (self._original_order if entry.id in self._original_ids else self._later_order)[entry.catid]
        at = bisect.bisect_left(pool, entry.order, key=_order)
        return tuple(reversed(pool[max(0, at - count) : at]))

    # --- channels and listings --------------------------------------------------------------------------

    def channel(self, catid: int) -> Channel | None:
        return self._channel_by_id.get(catid)

    def channel_entries(self, channel: Channel) -> tuple[Entry, ...]:
        """A channel's articles newest first, the order its listing pages show."""
        return self._by_channel.get(channel.catid, ())

    def channel_articles(self, channel: Channel) -> ArticleList:
        return ArticleList(self, self.channel_entries(channel))

    def page_count(self, channel: Channel) -> int:
        return max(1, -(-len(self.channel_entries(channel)) // self.per_page))

    def latest(self, count: int) -> tuple[Entry, ...]:
        return self._newest_first[:count]

    def entries_in_month(self, prefix: str) -> tuple[Entry, ...]:
        """Articles published in month ``YYYY-MM``, in id order."""
        return tuple(self._by_month.get(prefix, ()))

    def newest_modified(self, entries: Sequence[Entry] | None = None) -> str:
        """Day of the latest change among ``entries`` (default: the whole site, precomputed)."""
        if entries is None:
            return self._newest_change
        return max((e.modified for e in entries), default="2014-01-01")

    def channel_modified(self, channel: Channel) -> str:
        """Day of the latest change in a channel: its listing pages' Last-Modified."""
        return self._channel_change.get(channel.catid, self._newest_change)

    def listing_paths(self) -> tuple[str, ...]:
        return tuple(c.listing_path(p) for c in self.channels for p in range(1, self.page_count(c) + 1))

    # --- media and completeness -------------------------------------------------------------------------

    def image_owner(self, path: str) -> Entry | None:
        """The article whose image ``path`` is, when ``path`` is one of this version's article images."""
        name = path.rsplit("/", 1)[-1]
        stamp, _, rest = name.partition("_")
        number = rest.removesuffix(".jpg")
        entry = self._by_stamp.get(stamp)
        if entry is None or not number.isdigit() or not 1 <= int(number) <= entry.image_count:
            return None
        return entry if path == entry.image_paths[int(number) - 1] else None

    def media_paths(self) -> tuple[str, ...]:
        """Every file the site serves with 200 (the refused image is left out)."""
        refused = set(self.refused_images)
        images = [src for e in self.entries for src in e.image_paths if src not in refused]
        return (self.logo_path, self.subscription_image_path, *images, self.attachment_path)

    def crawlable_paths(self) -> tuple[str, ...]:
        """Every path a complete, polite crawl fetches with 200 (the endless calendar and feeds excluded)."""
        pages = ("/", *self.listing_paths(), *(e.path for e in self.entries))
        return (*pages, self.trouble.topic_path, *self.media_paths())


def _order(entry: Entry) -> tuple[str, int]:
    return entry.order


def _article_id(path: str) -> int:
    if path.startswith("/show-case-") and path.endswith(".html"):
        digits = path[len("/show-case-") : -len(".html")]
        if digits.isdigit():
            return int(digits)
    return -1
