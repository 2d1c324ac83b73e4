"""Plain, immutable data describing the modelled site, so tests can check a crawl against what was served."""

from __future__ import annotations

from dataclasses import dataclass, field

ORIGIN = "http://www.56-china.com.cn"
HOST = "www.56-china.com.cn"


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
        return f"/show-case-{self.id}.html"

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


@dataclass(frozen=True)
class Site:
    """Everything one version of the site serves (media bytes live in ``sitemodel.media``)."""

    version: int
    channels: tuple[Channel, ...]
    articles: tuple[Article, ...]
    trouble: Trouble
    subscription_lines: tuple[str, ...]
    attachment_path: str
    logo_path: str
    subscription_image_path: str
    per_page: int = 10
    removed_paths: tuple[str, ...] = ()  # answer 410 Gone (version 2)
    replaced_images: tuple[str, ...] = ()  # same path, new bytes (version 2)
    revised: str | None = None  # ISO date of the version-2 changes
    _by_path: dict[str, Article] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_path", {a.path: a for a in self.articles})

    def article_by_path(self, path: str) -> Article | None:
        return self._by_path.get(path)

    def article(self, article_id: int) -> Article:
        return self._by_path[f"/show-case-{article_id}.html"]

    def channel(self, catid: int) -> Channel | None:
        return next((c for c in self.channels if c.catid == catid), None)

    def channel_articles(self, channel: Channel) -> tuple[Article, ...]:
        """A channel's articles newest first, the order its listing pages show."""
        own = [a for a in self.articles if a.channel == channel]
        return tuple(sorted(own, key=lambda a: (a.date, a.id), reverse=True))

    def page_count(self, channel: Channel) -> int:
        return max(1, -(-len(self.channel_articles(channel)) // self.per_page))

    def latest(self, count: int) -> tuple[Article, ...]:
        return tuple(sorted(self.articles, key=lambda a: (a.date, a.id), reverse=True)[:count])

    def listing_paths(self) -> tuple[str, ...]:
        return tuple(c.listing_path(p) for c in self.channels for p in range(1, self.page_count(c) + 1))

    def media_paths(self) -> tuple[str, ...]:
        images = [src for a in self.articles for src in a.image_paths]
        return (self.logo_path, self.subscription_image_path, *images, self.attachment_path)

    def crawlable_paths(self) -> tuple[str, ...]:
        """Every path a complete, polite crawl fetches (the endless calendar excluded), for completeness checks."""
        pages = ("/", *self.listing_paths(), *(a.path for a in self.articles))
        return (*pages, self.trouble.topic_path, *self.media_paths())
