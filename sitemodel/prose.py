"""Deterministic generator of plausible Chinese news prose for the model's non-seed articles.

Everything here is written for this project: short phrase banks about 民族团结进步创建, community life, shared
homeland and history, combined by templates under a caller-supplied ``random.Random`` so the same seed always
yields the same site. All characters are GBK-encodable, because one generated article is served as GBK.

A headline and a body are drawn separately (``headline``, ``body``), so a site's index can hold every
headline while bodies are generated only when a page is asked for. Headlines stay unique across a site of
any size: when the plain templates are used up, a 副题 (subtitle) is added, and as a last resort a serial.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NBSP = "\u00a0"
INDENT = "\u3000\u3000"

PLACES = (
    ("云南省大理白族自治州", "大理州"),
    ("四川省凉山彝族自治州", "凉山州"),
    ("贵州省黔东南苗族侗族自治州", "黔东南州"),
    ("甘肃省临夏回族自治州", "临夏州"),
    ("湖南省湘西土家族苗族自治州", "湘西州"),
    ("吉林省延边朝鲜族自治州", "延边州"),
    ("新疆维吾尔自治区伊犁哈萨克自治州", "伊犁州"),
    ("内蒙古自治区通辽市", "通辽市"),
    ("广西壮族自治区百色市", "百色市"),
    ("西藏自治区林芝市", "林芝市"),
    ("宁夏回族自治区吴忠市", "吴忠市"),
    ("青海省玉树藏族自治州", "玉树州"),
    ("湖北省恩施土家族苗族自治州", "恩施州"),
    ("海南省五指山市", "五指山市"),
    ("黑龙江省同江市", "同江市"),
    ("重庆市石柱土家族自治县", "石柱县"),
)
VILLAGES = (
    "石榴村",
    "团结村",
    "花果岭村",
    "清水湾村",
    "新阳社区",
    "和顺社区",
    "幸福里社区",
    "红旗嘎查",
    "瓦窑村",
    "金沙社区",
    "石门坎村",
    "向阳社区",
    "东风嘎查",
    "红星村",
    "民主社区",
    "和平村",
    "柳溪村",
    "白云社区",
)
SUBJECTS = (
    "当地党委政府",
    "县委县政府",
    "民族宗教事务部门",
    "各级党组织",
    "社区党支部",
    "驻村工作队",
    "各族干部群众",
)
ACTIONS = (
    "把民族团结进步创建纳入经济社会发展全局",
    "建立健全常态化工作机制",
    "推动公共服务向基层延伸",
    "加大民生项目和基础设施投入",
    "打造一批各具特色的示范点",
    "组织开展形式多样的宣传教育活动",
    "完善考核评价和激励机制",
    "推进各民族相互嵌入式的社会结构和社区环境建设",
    "把铸牢中华民族共同体意识融入学校教育全过程",
)
RESULTS = (
    "各族群众的获得感、幸福感明显增强",
    "基层创建达标率稳定在九成以上",
    "一批示范单位脱颖而出",
    "各民族交往交流交融不断深化",
    "团结和谐的社会氛围日益浓厚",
    "群众对创建工作的满意度逐年提高",
)
ACTIVITIES = (
    "民族团结进步宣传月",
    "“石榴籽”家园建设",
    "民族团结进步示范村创建",
    "国家通用语言文字培训",
    "非遗传承人培养计划",
    "“结对认亲”活动",
    "民族文化进校园活动",
    "乡村振兴帮扶项目",
    "“三交”示范项目",
    "民族团结进步创建“进万家”活动",
    "各族青少年交流计划",
    "双语人才培养工程",
    "民族特色村寨保护项目",
    "“民族团结一家亲”联谊活动",
)
QUOTES = (
    "现在日子越过越红火,大家心里都亮堂",
    "各族群众像石榴籽一样紧紧抱在一起,这是我们最大的财富",
    "团结就是力量,这句话我们是在一件件小事里体会出来的",
    "邻里之间有事大家一起商量,谁家有困难大家都搭把手",
    "孩子们在一起上学、一起玩耍,早就分不出你我了",
)
ROLES = ("村党支部书记", "居委会主任", "退休教师", "合作社负责人", "非遗传承人", "乡村医生")
NAMES = ("扎西才让", "古丽米拉", "阿依努尔", "巴特尔", "卓玛", "吴金花", "马永福", "杨春梅", "韦秀英", "李明")
AGENCIES = ("新华社记者", "本刊记者", "通讯员", "本刊特约记者")
PHOTOGRAPHERS = ("张宏祥", "李明", "王海燕", "陈立新", "赵峰", "刘晓青")
SCENES = (
    "县城一角",
    "村民在广场上跳起锅庄舞",
    "各族学生在课堂上",
    "丰收时节的田野",
    "社区居民共庆传统节日",
    "古城街景",
)
HEADING_LEFT = (
    "筑牢思想根基",
    "完善工作机制",
    "聚焦民生福祉",
    "深化交往交流",
    "创新宣传载体",
    "夯实基层基础",
)
HEADING_RIGHT = (
    "凝聚团结奋进共识",
    "推动创建提质增效",
    "共建美好家园",
    "厚植团结沃土",
    "讲好团结故事",
    "激发创建活力",
)
DYNASTIES = ("秦汉", "汉代", "魏晋", "唐代", "宋代", "辽金", "元代", "明代", "清代")
REGIONS = (
    "西域",
    "河西走廊",
    "西南边疆",
    "北方草原",
    "青藏高原",
    "东北边地",
    "岭南",
    "云贵高原",
    "河湟谷地",
    "天山南北",
)
RELICS = (
    "一枚汉文印章",
    "一批丝织品残片",
    "一块双语石碑",
    "一组茶马古道驿站遗址",
    "一件青铜马具",
    "一方会盟碑",
    "一卷多语文书",
    "一批钱币窖藏",
    "一座古城遗址",
    "一组墓葬壁画",
)
ROUTES = ("茶马古道", "丝绸之路", "唐蕃古道", "草原丝绸之路")
GOODS = ("茶叶、丝绸和瓷器", "马匹、皮毛和药材", "盐巴、布匹和铁器")

CHANNEL_TITLES = {
    "示范创建": (
        "{place}:以示范创建凝聚团结奋进力量",
        "石榴花开别样红——{place}民族团结进步创建见闻",
        "{short}:把创建工作做到群众心坎上",
        "{short}创建全国民族团结进步示范州(市)工作纪实",
        "小切口做好大文章——{short}深化民族团结进步创建的实践",
        "{short}{village}:{activity}结出团结果",
        "{activity}在{short}{village}落地生根",
        "{village}获评{short}民族团结进步示范单位",
        "{short}以{activity}推动创建提质增效",
        "{short}{village}:{role}{name}和乡亲们的创建故事",
    ),
    "关注": (
        "{short}召开民族团结进步创建工作推进会",
        "聚焦{activity}:{short}推动各民族交往交流交融",
        "调研组赴{short}调研民族团结进步工作",
        "{short}启动{activity}",
        "{short}{village}开展{activity}",
        "{activity}走进{short}{village}",
        "{short}{role}{name}:{activity}让邻里更亲",
    ),
    "共有家园": (
        "走进{village}:{short}的团结之花",
        "在{short},{village}的新日子",
        "{village}里的“民族团结一家亲”",
        "{short}{village}:共建共享美好家园",
        "{short}{village}:{role}{name}的幸福账本",
        "{village}的{activity}",
    ),
    "史话共同体": (
        "从{relic}看{region}与中原的交往",
        "{route}上的各民族交流史话",
        "{dynasty}{region}的民族交融",
        "{route}沿线的商旅往事",
        "{relic}里的{dynasty}{region}",
        "{dynasty}{route}上的{relic}",
        "在{short}读懂{route}",
    ),
    "时政要闻": (
        "{short}召开{activity}工作会议",
        "{short}部署推进{activity}",
        "调研组在{short}开展{activity}专题调研",
        "{short}:{activity}取得新进展",
        "{short}{village}:{activity}见实效",
    ),
    "理论研究": (
        "铸牢中华民族共同体意识的{short}实践",
        "{route}与中华民族多元一体格局",
        "深化{activity}的几点思考",
        "{dynasty}{region}治理经验的当代启示",
        "从{short}{village}看{activity}的基层实践",
    ),
    "文化": (
        "{short}{activity}精彩纷呈",
        "{village}的{activity}",
        "非遗里的{short}:{activity}见闻",
        "{route}上的文化记忆",
        "{short}{village}:{activity}唱响团结歌",
    ),
    "人物": (
        "{role}{name}:扎根{village}的守护者",
        "{short}{role}{name}的团结故事",
        "{name}:在{village}当{role}",
        "记{short}{role}{name}",
        "{short}{village}{role}{name}:{activity}的带头人",
    ),
}
SUBTITLES = (
    "——{short}{village}见闻",
    "——来自{short}{village}的报道",
    "——{short}开展{activity}侧记",
    "——{short}{role}{name}访谈",
    "——{dynasty}以来{region}的变迁",
)
PLAIN_TRIES = 40  # plain headlines tried before a subtitle is added
SUBTITLE_TRIES = 60
DEFAULT_MAKERS = ("progress", "numbers", "quote")
CHANNEL_MAKERS = {
    "史话共同体": ("history", "route", "heritage"),
    "共有家园": ("village", "quote", "progress"),
    "理论研究": ("history", "progress", "numbers"),
    "文化": ("heritage", "village", "quote"),
    "人物": ("quote", "village", "progress"),
}


SLOT_BANKS = {
    "activity": ACTIVITIES,
    "village": VILLAGES,
    "relic": RELICS,
    "region": REGIONS,
    "route": ROUTES,
    "dynasty": DYNASTIES,
    "role": ROLES,
    "name": NAMES,
}


class _Slots(dict[str, str]):
    """Template slots drawn only when a template names them (a headline has two or three)."""

    def __init__(self, rng: random.Random, **fixed: str) -> None:
        super().__init__(fixed)
        self._rng = rng

    def __missing__(self, key: str) -> str:
        return self._rng.choice(SLOT_BANKS[key])


@dataclass(frozen=True)
class GeneratedText:
    """A generated article body: meta description and lines as (kind, text)."""

    description: str
    lines: tuple[tuple[str, str], ...]  # kind in paragraph/heading/image/caption; image text = alt


class ProseGenerator:
    """Draws headlines and bodies from the phrase banks under one ``random.Random``.

    ``taken_titles`` is shared, not copied: one set for a whole site keeps its headlines unique.
    """

    def __init__(self, rng: random.Random, taken_titles: set[str] | None = None) -> None:
        self._rng = rng
        self._used_titles: set[str] = taken_titles if taken_titles is not None else set()

    def place(self) -> int:
        """Index into PLACES of an article's subject."""
        return self._rng.randrange(len(PLACES))

    def headline(self, channel: str, place: int) -> str:
        """A headline not yet taken; adds a subtitle, then a serial, when the templates are used up."""
        full, short = PLACES[place]
        for attempt in range(PLAIN_TRIES + SUBTITLE_TRIES):
            title = self._fill(self._rng.choice(CHANNEL_TITLES[channel]), full, short)
            if attempt >= PLAIN_TRIES:
                title += self._fill(self._rng.choice(SUBTITLES), full, short)
            if title not in self._used_titles:
                self._used_titles.add(title)
                return title
        serial = 2
        while f"{title}(之{serial})" in self._used_titles:
            serial += 1
        title = f"{title}(之{serial})"
        self._used_titles.add(title)
        return title

    def body(
        self, channel: str, place: int, year: int, image_count: int, with_captions: bool
    ) -> GeneratedText:
        short = PLACES[place][1]
        lines: list[tuple[str, str]] = []
        paragraphs = [self._paragraph(channel, short, year) for _ in range(self._rng.randint(4, 7))]
        heading_slots = {2, 4} if channel == "示范创建" and len(paragraphs) > 4 else set()
        last = len(paragraphs) - 1
        image_at = {round(k * last / max(image_count - 1, 1)) for k in range(image_count)}
        for i, text in enumerate(paragraphs):
            if i in heading_slots:
                left, right = self._rng.choice(HEADING_LEFT), self._rng.choice(HEADING_RIGHT)
                lines.append(("heading", f"{left} {NBSP} {right}"))
            if i in image_at:
                lines.append(("image", self._image_name(year)))
                if with_captions:
                    lines.append(("caption", self._caption(short)))
            lines.append(("paragraph", INDENT + text))
        return GeneratedText(description=paragraphs[0][:60], lines=tuple(lines))

    def _fill(self, template: str, place: str, short: str) -> str:
        return template.format_map(_Slots(self._rng, place=place, short=short))

    def _paragraph(self, channel: str, short: str, year: int) -> str:
        names = CHANNEL_MAKERS.get(channel, DEFAULT_MAKERS)
        chosen = self._rng.sample(names, self._rng.randint(2, len(names)))
        return "".join(getattr(self, f"_{name}_sentence")(short, year) for name in chosen)

    def _progress_sentence(self, short: str, year: int) -> str:
        r = self._rng
        return f"{r.randint(year - 5, year)}年以来,{short}{r.choice(SUBJECTS)}{r.choice(ACTIONS)},{r.choice(RESULTS)}。"

    def _numbers_sentence(self, short: str, year: int) -> str:
        r = self._rng
        return (
            f"截至{year - 1}年底,{short}累计命名各级示范单位{r.randint(30, 300)}个,"
            f"开展{r.choice(ACTIVITIES)}{r.randint(10, 90)}场次,参与群众{r.randint(2, 40)}万余人次。"
        )

    def _quote_sentence(self, short: str, year: int) -> str:
        r = self._rng
        return f"“{r.choice(QUOTES)}。”{r.choice(VILLAGES)}{r.choice(ROLES)}{r.choice(NAMES)}说。"

    def _village_sentence(self, short: str, year: int) -> str:
        r = self._rng
        return (
            f"清晨的{r.choice(VILLAGES)}炊烟袅袅,新修的{r.randint(2, 30)}公里道路通到家家户户门口,"
            f"村里的{r.choice(ACTIVITIES)}让各族邻里走得更近。"
        )

    def _history_sentence(self, short: str, year: int) -> str:
        r = self._rng
        return (
            f"早在{r.choice(DYNASTIES)},{r.choice(REGIONS)}各族先民便与中原保持着密切往来,"
            f"{r.choice(RELICS)}的发现,印证了这段交往的历史。"
        )

    def _route_sentence(self, short: str, year: int) -> str:
        r = self._rng
        return (
            f"{r.choice(ROUTES)}沿线商旅往来不绝,史料所载驿站多达{r.randint(20, 200)}处,"
            f"{r.choice(GOODS)}在各地之间流转,也把不同民族的生活连在了一起。"
        )

    def _heritage_sentence(self, short: str, year: int) -> str:
        r = self._rng
        return (
            f"如今,{short}把这些历史遗存纳入{r.choice(ACTIVITIES)},每年接待参观群众{r.randint(2, 60)}万余人次,"
            "让各族群众在家门口读懂中华民族多元一体的来龙去脉。"
        )

    def _image_name(self, year: int) -> str:
        r = self._rng
        return r.choice(
            (
                f"DSC_{r.randint(1000, 9999)}_副本.jpg",
                f"IMG_{year}{r.randint(1000, 1231)}_{r.randint(1, 9)}.jpg",
            )
        )

    def _caption(self, short: str) -> str:
        r = self._rng
        return f"{short}{r.choice(SCENES)} {r.choice(AGENCIES)} {r.choice(PHOTOGRAPHERS)}/摄"
