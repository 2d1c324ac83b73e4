"""Pages for the search benchmark: many articles of varied real Chinese text, in the real site's shape.

The text is real Chinese prose recombined: the sentences of the labelled Chinese news pages under
``../shared/eval/chinese`` (their gold body text) and of the site model's own prose generator, drawn
with a seeded RNG into paragraphs of one to four sentences, with people's names, places and figures
woven in so that rare words exist as they do in a real archive (a name on a handful of pages). No
paragraph appears on two pages: the archive's site-wide pass would rightly strip a line repeated
across pages as boilerplate, and the benchmark must search article text, not chrome.

Every page is rendered by the site model (``sitemodel.pages.render_article``: header, breadcrumb,
发布日期 line, body, the subscription block, related links, footer) and written as a request/response
pair into WARC files, in the order of its (notional) capture: pages are archived the day after they
appear, and a small share is captured again later with an edit, so the archive holds several
versions of some URLs. The seed article is among the pages, so the benchmark can check that it
still comes first for its own phrases.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import heapq
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.warc.records import HttpRequestData, HttpResponseData, build_exchange_records, format_warc_date
from archive.warc.writer import RotatingWarcWriter
from sitemodel.catalog import SEED_ARTICLE_ID
from sitemodel.content import build_site
from sitemodel.model import Article, Block, Channel, RelatedLink
from sitemodel.pages import render_article
from sitemodel.prose import INDENT, PLACES, ProseGenerator

GENERATOR_VERSION = 1
"""Bumped whenever the pages change, so a cached archive built from older pages is not reused."""

CHANNELS = (
    Channel(3, "示范创建"),
    Channel(2, "关注"),
    Channel(5, "共有家园"),
    Channel(6, "史话共同体"),
    Channel(7, "文化"),
    Channel(8, "旅游"),
)
CHANNEL_WEIGHTS = (30, 25, 15, 10, 12, 8)
FIRST_DAY = dt.date(2008, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
RECAPTURE_SHARE = 0.02  # pages captured a second time, after an edit
# Common surnames and characters of given names: names made of them are the rare words of an archive.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建文云飞德"
    "志海峰立新宏亮斌波宁凯旭晨阳林琳雪梅晓东博健永春春花成龙福生荣国庆俊卫兵光金凤翠莲"
    "才让扎西卓玛次仁央金尼玛达瓦格桑拉姆阿依古丽努尔巴特尔其木格乌兰图雅哈斯朝鲁"
)
_SENTENCE = re.compile(r"[^。！？；!?]*[。！？；!?]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_SENTENCE = 120


@dataclass(frozen=True)
class CorpusParams:
    """What the generated archive depends on; its cache folder is named after these."""

    articles: int
    seed: int = 56

    @property
    def key(self) -> str:
        return f"search-{self.articles}-s{self.seed}-g{GENERATOR_VERSION}"


@dataclass(frozen=True)
class Page:
    """One capture to write: the article as served and when it was fetched."""

    article: Article
    fetched: dt.datetime


def eval_sentences(eval_dir: Path) -> list[str]:
    """Sentences of the gold body texts of the labelled Chinese pages, whitespace removed (the texts
    break lines mid-sentence), long ones cut at commas; only sentences with eight Han characters or more."""
    found: dict[str, None] = {}
    with (eval_dir / "chinese" / "cases.jsonl").open(encoding="utf-8") as cases:
        for line in cases:
            body = ((json.loads(line).get("gt") or {}).get("body")) or ""
            for sentence in _SENTENCE.findall(re.sub(r"\s+", "", body)):
                for piece in _cut(sentence):
                    if len(_CJK.findall(piece)) >= 8:
                        found.setdefault(piece, None)
    return list(found)


def _cut(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    pieces, current = [], ""
    for clause in re.findall(r"[^，,]*[，,]?", sentence):
        if current and len(current) + len(clause) > MAX_SENTENCE:
            pieces.append(current.rstrip("，,") + "。")
            current = ""
        current += clause
    if current:
        pieces.append(current)
    return pieces


def prose_sentences(rng: random.Random, articles: int = 400) -> list[str]:
    """Sentences of the site model's prose generator (its phrase banks about 民族团结进步创建)."""
    found: dict[str, None] = {}
    channels = ("示范创建", "关注", "共有家园", "史话共同体")
    for n in range(articles):
        if n % 20 == 0:  # its headlines are unique per instance, and its banks hold a few dozen
            prose = ProseGenerator(rng)
        channel, year = channels[n % len(channels)], rng.randint(2010, 2025)
        text = prose.body(channel, prose.place(), year, 0, with_captions=False)
        for kind, line in text.lines:
            if kind == "paragraph":
                for sentence in _SENTENCE.findall(line.strip()):
                    found.setdefault(sentence, None)
    return list(found)


class PageWriter:
    """Draws pages one by one; paragraphs are never repeated across pages."""

    def __init__(self, params: CorpusParams, sentences: list[str]) -> None:
        self.params = params
        self.sentences = sentences
        self._seen: set[bytes] = set()
        self._related: dict[int, list[RelatedLink]] = {c.catid: [] for c in CHANNELS}

    def name(self, rng: random.Random) -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def paragraph(self, rng: random.Random) -> str:
        while True:
            sentences = [rng.choice(self.sentences) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))]
            roll = rng.random()
            if roll < 0.25:
                sentences.insert(rng.randrange(len(sentences) + 1), f"{self.name(rng)}介绍说，")
            elif roll < 0.4:
                place = rng.choice(PLACES)[1]
                sentences.insert(0, f"{rng.randint(2005, 2025)}年{rng.randint(1, 12)}月，在{place}，")
            text = "".join(sentences)
            digest = hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()
            if digest not in self._seen:
                self._seen.add(digest)
                return text

    def title(self, rng: random.Random) -> str:
        for _ in range(100):
            clause = re.split(r"[，,。！？；：:!?]", rng.choice(self.sentences))[0]
            clause = clause.strip('“”"《》（）() ')
            if 8 <= len(clause) <= 28 and len(_CJK.findall(clause)) >= 6:
                break
        if rng.random() < 0.3:
            clause = f"{rng.choice(PLACES)[1]}:{clause}"
        elif rng.random() < 0.15:
            clause = f"{clause}——访{self.name(rng)}"
        return clause

    def article(self, index: int, date: dt.date) -> Article:
        rng = random.Random(f"{self.params.seed}:{index}")
        channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
        paragraphs = [self.paragraph(rng) for _ in range(rng.randint(8, 24))]
        blocks = tuple(Block("paragraph", INDENT + text) for text in paragraphs)
        article_id = 10_000 + index
        related = tuple(reversed(self._related[channel.catid][-5:]))
        article = Article(
            id=article_id,
            title=self.title(rng),
            date=date.isoformat(),
            channel=channel,
            blocks=blocks,
            description=paragraphs[0][:60],
            related=related,
        )
        self._related[channel.catid].append(RelatedLink(article.path, article.title, article.date))
        del self._related[channel.catid][:-5]
        return article

    def edited(self, article: Article, rng: random.Random) -> Article:
        """A later version: one more paragraph at the end, as an editor's correction would add."""
        block = Block("paragraph", INDENT + f"(本文有更新。){self.paragraph(rng)}")
        return dataclasses.replace(article, blocks=(*article.blocks, block))


def publication_days(params: CorpusParams) -> list[dt.date]:
    """One publication day per article, sorted: the archive grows in time order."""
    rng = random.Random(f"{params.seed}:days")
    span = (LAST_DAY - FIRST_DAY).days
    return sorted(FIRST_DAY + dt.timedelta(days=rng.randint(0, span)) for _ in range(params.articles))


def pages(params: CorpusParams, eval_dir: Path) -> Iterator[Page]:
    """Every capture in fetch order: each article the day after it appeared, some again later."""
    rng = random.Random(f"{params.seed}:material")
    writer = PageWriter(params, eval_sentences(eval_dir) + prose_sentences(rng))
    seed = dataclasses.replace(build_site(1).article(SEED_ARTICLE_ID), related=())
    later: list[tuple[dt.datetime, int, Article]] = []
    seed_placed = False
    for index, day in enumerate(publication_days(params)):
        fetched = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(3), tzinfo=dt.UTC)
        fetched += dt.timedelta(seconds=index % 86_400)
        while later and later[0][0] <= fetched:
            when, _, article = heapq.heappop(later)
            yield Page(article, when)
        if not seed_placed and day.isoformat() >= seed.date:
            seed_placed = True
            yield Page(seed, fetched - dt.timedelta(seconds=1))
        article = writer.article(index, day)
        yield Page(article, fetched)
        page_rng = random.Random(f"{params.seed}:again:{index}")
        if page_rng.random() < RECAPTURE_SHARE:
            when = fetched + dt.timedelta(days=page_rng.randint(30, 900))
            heapq.heappush(later, (when, index, writer.edited(article, page_rng)))
    if not seed_placed:
        yield Page(seed, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    while later:
        when, _, article = heapq.heappop(later)
        yield Page(article, when)


def write_warcs(params: CorpusParams, eval_dir: Path, directory: Path) -> int:
    """Write every page as a request/response pair into rotated WARC files; returns the page count."""
    site = build_site(1)
    count = 0
    fields = {"software": "minzu-archive search benchmark", "run-id": params.key, "spider": "benchmark"}
    with RotatingWarcWriter(directory, max_file_size=200_000_000, warcinfo_fields=fields) as warcs:
        for page in pages(params, eval_dir):
            body = render_article(site, page.article).encode("utf-8")
            date = format_warc_date(page.fetched)
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
            records = build_exchange_records(
                HttpRequestData("GET", page.article.url, [("User-Agent", "minzu-archive-benchmark")]),
                HttpResponseData(page.article.url, 200, "OK", headers, body),
                warc_date=date,
            )
            warcs.write_many(records)
            count += 1
    return count
