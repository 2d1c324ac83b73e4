"""What the modelled site holds: the index of ``sitemodel.catalog`` plus article bodies made on request.

The seed article is served line for line from its committed text; every other body is generated from a
random stream keyed by the article's id, so a page is the same whenever and in whichever process it is
asked for, and nothing but the index stays in memory. ``build_site()`` with no arguments is the default
40-article model the demo and most tests use.

Guesses about the real www.56-china.com.cn (see also ``sitemodel.catalog``): listing pages
``/list-case-<catid>-<page>.html`` with twenty articles a page, newest first, modelled on the real article
pattern ``/show-case-<id>.html`` (which is real); image paths ``/uploadfile/YYYY/MMDD/<timestamp>_<n>.jpg``
and the attachment path follow the usual layout of the PHPCMS family of CMSs the real URLs suggest.
"""

from __future__ import annotations

import random
from functools import lru_cache

from sitemodel.catalog import SITE_SEED, build_catalog
from sitemodel.model import LISTING_SIZE, Article, Block, Entry, Options, RelatedLink, Site, Trouble
from sitemodel.prose import INDENT, ProseGenerator
from sitemodel.seed import load_seed

ATTACHMENT_PATH = "/uploadfile/2024/dingyuedan2024.pdf"
LOGO_PATH = "/statics/images/logo.png"
SUBSCRIPTION_IMAGE_PATH = "/statics/images/dingyue.png"
DEAD_LINK_PATH = "/show-case-99999.html"
TOPIC_PATH = "/专题/民族团结进步.html"
RELATED_COUNT = 5


@lru_cache(maxsize=8)
def build_site(
    version: int = 1,
    articles: int = 40,
    *,
    refused_image: bool = True,
    http_links: bool = True,
    sitemap: bool = False,
    per_page: int = LISTING_SIZE,
) -> Site:
    """``version`` (1 or 2) of a site of ``articles`` articles; cached because it is immutable.

    ``per_page`` is how many articles a listing page shows: 20 as on the real site. Fewer make the
    channels' pagination as long as the real site's with a few hundred articles, for tests of depth.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page}")
    catalog = build_catalog(articles, version)
    roles = catalog.roles
    seed_id = 1616
    trouble = Trouble(
        gbk_article_id=roles.gbk,
        flaky_article_id=roles.flaky,
        slow_path=f"/show-case-{roles.slow}.html",
        dead_link_path=DEAD_LINK_PATH,
        old_url=f"/index.php?m=content&c=index&a=show&catid=3&id={seed_id}",
        old_url_target=f"/show-case-{seed_id}.html",
        disallowed_path="/admin/",
        topic_path=TOPIC_PATH,
        calendar_start="/calendar/2018-05.html",
        offsite_links=("http://www.seac.gov.cn/",),
        private_links=("http://192.168.1.10/admin/", "http://10.0.0.8/"),
        dead_link_article_id=roles.dead_link,
        refusing_article_id=roles.refusing,
    )
    refusing = next(e for e in catalog.entries if e.id == roles.refusing)
    return Site(
        version=version,
        size=articles,
        channels=catalog.layout.channels,
        entries=catalog.entries,
        published=catalog.published,
        original_ids=catalog.original_ids,
        trouble=trouble,
        subscription_lines=load_seed().subscription_lines,
        attachment_path=ATTACHMENT_PATH,
        logo_path=LOGO_PATH,
        subscription_image_path=SUBSCRIPTION_IMAGE_PATH,
        make_article=make_article,
        options=Options(refused_image=refused_image, http_links=http_links, sitemap=sitemap),
        photo_style=catalog.layout.photo_style,
        per_page=per_page,
        removed=catalog.removed,
        replaced_images=catalog.replaced_images,
        refused_images=(refusing.image_paths[0],) if refused_image else (),
        edited_ids=catalog.edited_ids,
        new_ids=catalog.new_ids,
        revised=catalog.revised,
    )


def make_article(site: Site, entry: Entry) -> Article:
    """The full article behind an index row: the seed verbatim, any other body generated from its id."""
    channel = site.channel(entry.catid)
    assert channel is not None, entry
    if entry.id == 1616:
        blocks, description = _seed_body(entry)
    else:
        blocks, description = _generated_body(entry, channel.name)
    if entry.updated:
        year, month = entry.updated[:4], int(entry.updated[5:7])
        # Each correction names its article: the same line on thirty pages would be (rightly) taken for
        # site-wide boilerplate by the archive's repeated-lines pass, hiding the edits it is meant to show.
        note = f"(本文于{year}年{month}月更新:补充了《{entry.title}》一文的最新进展和相关数据。)"
        blocks = (*blocks, Block("paragraph", INDENT + note))
    extra = (
        ((DEAD_LINK_PATH, "相关报道:创建工作经验交流"),)
        if entry.id == site.trouble.dead_link_article_id
        else ()
    )
    related = tuple(RelatedLink(e.path, e.title, e.date) for e in site.older_siblings(entry, RELATED_COUNT))
    return Article(
        id=entry.id,
        title=entry.title,
        date=entry.date,
        channel=channel,
        blocks=blocks,
        description=description,
        encoding=entry.encoding,
        updated=entry.updated,
        extra_links=extra,
        related=related,
    )


def _seed_body(entry: Entry) -> tuple[tuple[Block, ...], str]:
    seed = load_seed()
    images = iter(entry.image_paths)
    blocks = tuple(Block(b.kind, b.text, next(images)) if b.kind == "image" else b for b in seed.blocks)
    first = next(b.text.strip() for b in blocks if b.kind == "paragraph")
    return blocks, first[:60]


def _generated_body(entry: Entry, channel_name: str) -> tuple[tuple[Block, ...], str]:
    # Feature articles in the magazine carry photos; the seed has two. Counts and photo sizes shape the
    # archive's byte figures (a re-crawl's share of the first crawl), so they follow the real pages.
    rng = random.Random(f"{SITE_SEED}:{entry.id}:body")
    text = ProseGenerator(rng).body(
        channel_name, entry.place, int(entry.date[:4]), entry.image_count, entry.captions
    )
    sources = iter(entry.image_paths)
    blocks = tuple(Block(kind, line, next(sources) if kind == "image" else None) for kind, line in text.lines)
    return blocks, text.description
