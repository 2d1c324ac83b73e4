"""What the modelled site holds: four channels, about forty articles, the seed article among them.

Guesses about the real www.56-china.com.cn, written down as such:
- channel ids (catid) 3 示范创建, 2 关注, 5 共有家园, 6 史话共同体 are invented; only the channel names are real;
- listing pages ``/list-case-<catid>-<page>.html`` with ten articles a page, newest first, are a guess modelled
  on the real article pattern ``/show-case-<id>.html`` (which is real);
- image paths ``/uploadfile/YYYY/MMDD/<timestamp>_<n>.jpg`` and the attachment path follow the usual layout of
  the PHPCMS family of CMSs the real URLs suggest; they are not known.
Ids are drawn at random so they are not chronological, as on the real site. The result is deterministic: the
same version always gives the same site, byte for byte.

Version 2 (for re-crawl tests) differs from version 1 in exactly four ways: one article edited, one removed
(answers 410), two new articles, one image replaced by new bytes under the same path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from functools import cache

from sitemodel.model import Article, Block, Channel, RelatedLink, Site, Trouble
from sitemodel.prose import INDENT, ProseGenerator
from sitemodel.seed import load_seed

SEED_ARTICLE_ID = 1616
SITE_SEED = 5620  # fixed random seed for the generated content
CHANNELS = (Channel(3, "示范创建"), Channel(2, "关注"), Channel(5, "共有家园"), Channel(6, "史话共同体"))
ARTICLES_PER_CHANNEL = {3: 22, 2: 7, 5: 6, 6: 5}  # 40 in all, the seed included in catid 3
SEED_IMAGE_PATHS = (
    "/uploadfile/2018/0518/20180518101512_1.jpg",
    "/uploadfile/2018/0518/20180518101512_2.jpg",
)
ATTACHMENT_PATH = "/uploadfile/2024/dingyuedan2024.pdf"
LOGO_PATH = "/statics/images/logo.png"
SUBSCRIPTION_IMAGE_PATH = "/statics/images/dingyue.png"
DEAD_LINK_PATH = "/show-case-99999.html"
TOPIC_PATH = "/专题/民族团结进步.html"
REVISED_ON = "2025-01-10"  # the day the version-2 changes were made


@cache
def build_site(version: int = 1) -> Site:
    """The site as served in ``version`` (1 or 2); cached because it is immutable."""
    if version == 1:
        return _build_version_one()
    if version == 2:
        return _derive_version_two(_build_version_one())
    raise ValueError(f"unknown site version {version}; versions 1 and 2 exist")


def _build_version_one() -> Site:
    rng = random.Random(SITE_SEED)
    prose = ProseGenerator(rng)
    ids = iter(rng.sample([n for n in range(300, 8000) if n != SEED_ARTICLE_ID], 60))
    articles: list[Article] = [_seed_article()]
    for channel in CHANNELS:
        count = ARTICLES_PER_CHANNEL[channel.catid] - (1 if channel.catid == 3 else 0)
        for n in range(count):
            # The GBK page is a history article from 2014: old pages on such sites still declare GB2312.
            old_gbk = channel.catid == 6 and n == 0
            date = "2014-06-12" if old_gbk else _random_date(rng)
            article = _generated_article(rng, prose, next(ids), channel, date)
            articles.append(dataclasses.replace(article, encoding="gbk") if old_gbk else article)
    gbk = next(a for a in articles if a.encoding == "gbk")
    dead = next(a for a in articles if a.channel.catid == 3 and a.id != SEED_ARTICLE_ID)
    dead = dataclasses.replace(dead, extra_links=((DEAD_LINK_PATH, "相关报道:创建工作经验交流"),))
    articles = _with_related([dead if a.id == dead.id else a for a in articles])
    flaky = next(a for a in articles if a.channel.catid == 2)
    slow = next(a for a in articles if a.channel.catid == 5)
    trouble = Trouble(
        gbk_article_id=gbk.id,
        flaky_article_id=flaky.id,
        slow_path=slow.path,
        dead_link_path=DEAD_LINK_PATH,
        old_url=f"/index.php?m=content&c=index&a=show&catid=3&id={SEED_ARTICLE_ID}",
        old_url_target=f"/show-case-{SEED_ARTICLE_ID}.html",
        disallowed_path="/admin/",
        topic_path=TOPIC_PATH,
        calendar_start="/calendar/2018-05.html",
        offsite_links=("http://www.seac.gov.cn/",),
        private_links=("http://192.168.1.10/admin/", "http://10.0.0.8/"),
    )
    return Site(
        version=1,
        channels=CHANNELS,
        articles=tuple(articles),
        trouble=trouble,
        subscription_lines=load_seed().subscription_lines,
        attachment_path=ATTACHMENT_PATH,
        logo_path=LOGO_PATH,
        subscription_image_path=SUBSCRIPTION_IMAGE_PATH,
    )


def _seed_article() -> Article:
    seed = load_seed()
    images = iter(SEED_IMAGE_PATHS)
    blocks = tuple(dataclasses.replace(b, src=next(images)) if b.kind == "image" else b for b in seed.blocks)
    first = next(b.text.strip() for b in blocks if b.kind == "paragraph")
    channel = next(c for c in CHANNELS if c.name == seed.breadcrumb[-1])
    return Article(
        id=SEED_ARTICLE_ID,
        title=seed.title,
        date=seed.date,
        channel=channel,
        blocks=blocks,
        description=first[:60],
    )


def _random_date(rng: random.Random) -> str:
    start = dt.date(2014, 1, 1)
    return (start + dt.timedelta(days=rng.randint(0, (dt.date(2024, 12, 31) - start).days))).isoformat()


def _generated_article(
    rng: random.Random, prose: ProseGenerator, article_id: int, channel: Channel, date: str
) -> Article:
    # Feature articles in the magazine carry photos; the seed has two. Counts and photo sizes shape the
    # archive's byte figures (a re-crawl's share of the first crawl), so they follow the real pages.
    image_count = rng.choice((1, 2, 2, 3))
    text = prose.article(channel.name, int(date[:4]), image_count, with_captions=rng.random() < 0.6)
    stamp = (
        date.replace("-", "") + f"{rng.randint(8, 17):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}"
    )
    n = 0
    blocks: list[Block] = []
    for kind, line in text.lines:
        src = None
        if kind == "image":
            n += 1
            src = f"/uploadfile/{date[:4]}/{date[5:7]}{date[8:10]}/{stamp}_{n}.jpg"
        blocks.append(Block(kind, line, src))
    return Article(
        id=article_id,
        title=text.title,
        date=date,
        channel=channel,
        blocks=tuple(blocks),
        description=text.description,
    )


def _with_related(articles: list[Article], count: int = 5) -> list[Article]:
    """Give each article its 相关文章: the newest older siblings, as known on its publication day.

    Freezing the list makes later versions leave unchanged pages byte-identical, as static CMS pages are.
    """
    done = []
    for article in articles:
        older = [
            a
            for a in articles
            if a.channel == article.channel and (a.date, a.id) < (article.date, article.id)
        ]
        older.sort(key=lambda a: (a.date, a.id), reverse=True)
        links = tuple(RelatedLink(a.path, a.title, a.date) for a in older[:count])
        done.append(dataclasses.replace(article, related=links))
    return done


def _derive_version_two(v1: Site) -> Site:
    """Version 2: the smallest realistic set of changes a re-crawl must notice."""
    protected = {SEED_ARTICLE_ID, v1.trouble.gbk_article_id, v1.trouble.flaky_article_id}
    protected |= {a.id for a in v1.articles if a.path == v1.trouble.slow_path or a.extra_links}
    candidates = [a for a in v1.articles if a.id not in protected]
    edited = next(a for a in candidates if a.channel.catid == 3)
    removed = next(a for a in candidates if a.channel.catid == 5)
    with_image = next(a for a in candidates if a.image_paths and a.id not in (edited.id, removed.id))
    correction = Block("paragraph", INDENT + "(本文于2025年1月更新:补充了创建工作的最新进展和相关数据。)")
    edited_v2 = dataclasses.replace(edited, blocks=(*edited.blocks, correction), updated=REVISED_ON)
    rng = random.Random(SITE_SEED + 2)
    prose = ProseGenerator(rng, taken_titles={a.title for a in v1.articles})
    kept = [edited_v2 if a.id == edited.id else a for a in v1.articles if a.id != removed.id]
    fresh = [
        _generated_article(rng, prose, 8101, CHANNELS[1], "2025-01-06"),
        _generated_article(rng, prose, 8102, CHANNELS[0], "2025-01-08"),
    ]
    new = tuple(a for a in _with_related(kept + fresh) if a.id in (8101, 8102))
    articles = tuple(kept)
    return dataclasses.replace(
        v1,
        version=2,
        articles=articles + new,
        removed_paths=(removed.path,),
        replaced_images=(with_image.image_paths[0],),
        revised=REVISED_ON,
    )
