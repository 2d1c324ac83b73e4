"""Which articles the modelled site holds at a given size, and what version 2 changes: the index, no text.

Everything follows from (size, version) through fixed random seeds, so the index is the same in every
process. Layout by size, guesses about the real www.56-china.com.cn written down as such:

- up to 40 articles (the default): the four real channel names 示范创建, 关注, 共有家园, 史话共同体 in sizes
  22:7:6:5, dates 2014-2024, full-size photos (the byte figures of a re-crawl depend on them);
- more than 40: eight channels, the four above plus four invented ones (时政要闻, 理论研究, 文化, 人物), of
  uneven size (示范创建 holds 40%), dates 2006-01-01 to 2026-09-30, small photos.

Channel ids (catid) are invented; only the four names above are real. Article ids are drawn at random, not
in date order, as on the real site (the seed is 1616, another real article 7620), up to 8000 or 1.3 times
the size when that is larger. Each article has 1-3 images.

Version 2 (re-crawls): about 1% of the articles edited (drawn from all ages), 0.5% removed (answering 410,
then 404, alternately), 1% new (newer than every other article, so at the top of their channels, with ids
above every old one: 8101, 8102 in the default model) and one image replaced by new bytes under its path.
At the default size that is one edit, one removal (410), two new articles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache

from sitemodel.model import Channel, Entry
from sitemodel.prose import ProseGenerator
from sitemodel.seed import load_seed

SITE_SEED = 5620  # fixed random seed for the generated content
SMALL_SITE = 40
MIN_ARTICLES = 10  # room for the seed and each piece of trouble
SEED_ARTICLE_ID = 1616
SEED_CATID = 3
SEED_STAMP = "20180518101512"  # names the seed's images 20180518101512_1.jpg and _2.jpg
DEAD_LINK_ID = 99999  # linked from one article, never an article
GBK_DATE = "2014-06-12"  # the GBK page is a 2014 history article: old pages of such sites declare GB2312
SMALL_CHANNELS = ((3, "示范创建", 22), (2, "关注", 7), (5, "共有家园", 6), (6, "史话共同体", 5))
LARGE_CHANNELS = (
    (3, "示范创建", 40),
    (2, "关注", 15),
    (5, "共有家园", 10),
    (6, "史话共同体", 8),
    (1, "时政要闻", 11),
    (7, "理论研究", 7),
    (8, "文化", 5),
    (9, "人物", 4),
)
EDITED_SHARE, REMOVED_SHARE, NEW_SHARE = 0.01, 0.005, 0.01


@dataclass(frozen=True)
class Layout:
    """What depends on the size: channels and their sizes, the date span, version 2's days, photo size."""

    channels: tuple[Channel, ...]
    counts: tuple[int, ...]
    first_day: dt.date
    last_day: dt.date
    new_days: tuple[dt.date, dt.date]  # first and last day of version 2's new articles
    revised: str  # the day of version 2's edits
    photo_style: str  # "full" (1200x800, ~130 KB) or "small" (360x240, ~9 KB)


@dataclass(frozen=True)
class Roles:
    """Which articles carry the deliberate trouble (never edited or removed in version 2)."""

    gbk: int
    flaky: int
    slow: int
    dead_link: int
    refusing: int  # its first image is the one the model can refuse


@dataclass(frozen=True)
class Catalog:
    """The index of one version: ``entries`` served (id order), ``published`` ever (removed included)."""

    size: int
    version: int
    layout: Layout
    entries: tuple[Entry, ...]
    published: tuple[Entry, ...]
    original_ids: frozenset[int]
    roles: Roles
    removed: tuple[tuple[str, int], ...] = ()  # (path, status 410 or 404)
    replaced_images: tuple[str, ...] = ()
    edited_ids: tuple[int, ...] = ()
    new_ids: tuple[int, ...] = ()
    revised: str | None = None


def layout_for(size: int) -> Layout:
    if size < MIN_ARTICLES:
        raise ValueError(f"the site model needs at least {MIN_ARTICLES} articles, not {size}")
    small = size <= SMALL_SITE
    table = SMALL_CHANNELS if small else LARGE_CHANNELS
    channels = tuple(Channel(catid, name) for catid, name, _ in table)
    counts = apportion(size, [weight for _, _, weight in table])
    if small:
        return Layout(
            channels,
            counts,
            dt.date(2014, 1, 1),
            dt.date(2024, 12, 31),
            (dt.date(2025, 1, 6), dt.date(2025, 1, 8)),
            "2025-01-10",
            "full",
        )
    return Layout(
        channels,
        counts,
        dt.date(2006, 1, 1),
        dt.date(2026, 9, 30),
        (dt.date(2026, 10, 1), dt.date(2026, 11, 19)),
        "2026-11-20",
        "small",
    )


def apportion(total: int, weights: list[int], minimum: int = 2) -> tuple[int, ...]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each part at least ``minimum``."""
    whole = sum(weights)
    counts = [max(minimum, total * w // whole) for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    step = 0
    while sum(counts) < total:
        counts[by_remainder[step % len(counts)]] += 1
        step += 1
    while sum(counts) > total:
        counts[counts.index(max(counts))] -= 1
    return tuple(counts)


def id_ceiling(size: int) -> int:
    return max(8000, 300 + int(size * 1.3))


@lru_cache(maxsize=8)
def build_catalog(size: int = SMALL_SITE, version: int = 1) -> Catalog:
    """The index of ``version`` (1 or 2) of a site of ``size`` articles; cached, it is immutable."""
    if version == 1:
        return _first_version(size)
    if version == 2:
        return _second_version(build_catalog(size, 1))
    raise ValueError(f"unknown site version {version}; versions 1 and 2 exist")


def _first_version(size: int) -> Catalog:
    layout = layout_for(size)
    rng = random.Random(SITE_SEED)
    pool = rng.sample(range(300, id_ceiling(size)), size + 1)
    ids = iter(n for n in pool if n not in (SEED_ARTICLE_ID, DEAD_LINK_ID))
    seed = load_seed()
    titles = {seed.title}
    stamps = {SEED_STAMP}
    seed_entry = Entry(SEED_ARTICLE_ID, seed.date, SEED_CATID, seed.title, 0, 2, False, SEED_STAMP)
    entries = [seed_entry]
    first_of: dict[int, list[int]] = {}
    span = (layout.last_day - layout.first_day).days
    for channel, count in zip(layout.channels, layout.counts, strict=True):
        for n in range(count - (1 if channel.catid == SEED_CATID else 0)):
            gbk = channel.catid == 6 and n == 0
            day = (
                GBK_DATE if gbk else (layout.first_day + dt.timedelta(days=rng.randint(0, span))).isoformat()
            )
            entry = new_entry(next(ids), day, channel, titles, stamps)
            entries.append(dataclasses.replace(entry, encoding="gbk") if gbk else entry)
            first_of.setdefault(channel.catid, []).append(entry.id)
    roles = Roles(
        gbk=first_of[6][0],
        flaky=first_of[2][0],
        slow=first_of[5][0],
        dead_link=first_of[SEED_CATID][0],
        refusing=first_of[2][1],
    )
    ordered = tuple(sorted(entries, key=lambda e: e.id))
    return Catalog(size, 1, layout, ordered, ordered, frozenset(e.id for e in ordered), roles)


def new_entry(article_id: int, day: str, channel: Channel, titles: set[str], stamps: set[str]) -> Entry:
    """An article's index row, drawn from a random stream of its own (the headline avoids ``titles``)."""
    rng = random.Random(f"{SITE_SEED}:{article_id}")
    prose = ProseGenerator(rng, titles)
    place = prose.place()
    image_count = rng.choice((1, 2, 2, 3))
    captions = rng.random() < 0.6
    moment = dt.datetime.fromisoformat(day) + dt.timedelta(seconds=rng.randint(8 * 3600, 18 * 3600))
    while (stamp := moment.strftime("%Y%m%d%H%M%S")) in stamps:
        moment += dt.timedelta(seconds=1)
    stamps.add(stamp)
    title = prose.headline(channel.name, place)
    return Entry(article_id, day, channel.catid, title, place, image_count, captions, stamp)


def _second_version(v1: Catalog) -> Catalog:
    """Version 2: edits, removals, new articles and one replaced image, in the shares the module names."""
    size, layout, roles = v1.size, v1.layout, v1.roles
    rng = random.Random(SITE_SEED + 2)
    protected = {SEED_ARTICLE_ID, roles.gbk, roles.flaky, roles.slow, roles.dead_link, roles.refusing}
    candidates = [e for e in v1.entries if e.id not in protected]
    edit_count = max(1, round(size * EDITED_SHARE))
    remove_count = max(1, round(size * REMOVED_SHARE))
    new_count = max(2, round(size * NEW_SHARE))
    picked = rng.sample(candidates, edit_count + remove_count + 1)
    edited = {e.id for e in picked[:edit_count]}
    removed_entries = sorted(picked[edit_count : edit_count + remove_count], key=lambda e: e.id)
    removed = tuple((e.path, 410 if i % 2 == 0 else 404) for i, e in enumerate(removed_entries))
    replaced_image = picked[-1].image_paths[0]
    gone = {e.id for e in removed_entries}
    titles = {e.title for e in v1.entries}
    stamps = {e.stamp for e in v1.entries}
    first, last = layout.new_days
    weights = list(layout.counts)
    fresh = []
    for i in range(new_count):
        day = first + dt.timedelta(days=i * (last - first).days // max(1, new_count - 1))
        channel = rng.choices(layout.channels, weights=weights)[0]
        fresh.append(new_entry(id_ceiling(size) + 101 + i, day.isoformat(), channel, titles, stamps))
    kept = [
        dataclasses.replace(e, updated=layout.revised) if e.id in edited else e
        for e in v1.entries
        if e.id not in gone
    ]
    edited_entries = [e for e in kept if e.id in edited]
    published = sorted([*kept, *removed_entries, *fresh], key=lambda e: e.id)
    return dataclasses.replace(
        v1,
        version=2,
        entries=tuple(sorted([*kept, *fresh], key=lambda e: e.id)),
        published=tuple(published),
        removed=removed,
        replaced_images=(replaced_image,),
        edited_ids=tuple(e.id for e in edited_entries),
        new_ids=tuple(e.id for e in fresh),
        revised=layout.revised,
    )
