"""Bylines: who wrote the article (作者, 记者, 文/), where it came from (来源), who edited it (编辑).

Two kinds of evidence, trusted differently:

* a labelled field ("作者：张三", "（记者 张三）", "【来源】人民日报", "By John Smith"): the label says what
  the value is, so the value is only cleaned;
* an unlabelled name (a short line under the headline, "（张三）" closing the last paragraph): nothing says
  it is a person, so it is taken only when it reads as a personal name (a common surname first, or the
  transliterated "·" form of minority and foreign names) and is not a place, an organisation, a channel
  or a page control ("新华社", "北京", "要闻", "关闭窗口"), or when the page's title names the same
  person ("胡平：犬儒病").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A label, then the value up to the next label, a bracket or a long gap.
_LABEL_FIELDS = {
    "作者": "author",
    "撰文": "author",
    "撰稿": "author",
    "文": "author",
    "文字": "author",
    "文/图": "author",
    "图/文": "author",
    "文图": "author",
    "图文": "author",
    "记者": "author",
    "本报记者": "author",
    "本刊记者": "author",
    "通讯员": "author",
    "来源": "source",
    "稿源": "source",
    "出处": "source",
    "责任编辑": "editor",
    "责编": "editor",
    "编辑": "editor",
    "by": "author",
    "By": "author",
    "BY": "author",
    # Government notices are "written" by an office: 发文机关 is their author.
    "发文机关": "author",
    "发布机构": "author",
    "发文单位": "author",
    "发布单位": "author",
    # Credits for other work on the page: they end the value before them and are not the writer.
    "摄影": "credit",
    "摄像": "credit",
    "图": "credit",
    "图片": "credit",
    "制图": "credit",
    "视频": "credit",
    "翻译": "credit",
    "译": "credit",
    "校对": "credit",
    "审核": "credit",
    "审校": "credit",
    "监制": "credit",
    "策划": "credit",
    "统筹": "credit",
    "设计": "credit",
}
_LABELS = "|".join(sorted(map(re.escape, _LABEL_FIELDS), key=len, reverse=True))
_BYLINE = re.compile(
    rf"(?:^|[\s　(（【\[|｜])(?P<label>{_LABELS})"
    rf"(?P<sep>\s*[:：/|｜]\s*|\s*[】\]]\s*[:：]?\s*|\s+|(?=[\u4e00-\u9fff]))"
    rf"(?P<value>[^\s　:：|｜()（）【】\[\]](?:[^:：|｜()（）【】\[\]]*?))"
    rf"(?=\s*(?:$|[(（)）【】\[\]|｜]|\s{{2,}}|\s*(?:{_LABELS})\s*[:：/]|(?:19|20)\d{{2}}[-/.年]"
    rf"|\s*(?:发布|时间|日期|点击|浏览|阅读)))"
)
_BARE_LABELS = frozenset({"记者", "本报记者", "本刊记者", "通讯员"})
_NAME_SPLIT = re.compile(r"[\s　、,，;；/]+")
_NAME_NOISE = re.compile(r"^.{0,4}(记者|通讯员|实习生)|(发自|报道|摄影?$).*$")
# One written name: two to four Han characters, or a transliterated name in parts joined by "·"
# ("买买提·艾力", "阿卜杜拉·艾买提"), as minority and foreign names are printed.
_HAN_NAME = r"(?:[\u4e00-\u9fff]{1,10}(?:·[\u4e00-\u9fff]{1,10}){1,3}|[\u4e00-\u9fff]{2,4})"
# "（记者 胡晓蓉）", "（总台记者 张倩）", "（袁源）": Chinese news often signs the last paragraph in brackets.
_TRAILING_SIGNATURE = re.compile(
    r"[（(]\s*(?:(?P<label>[\u4e00-\u9fff]{0,6}?(?:记者|通讯员)|作者|撰文|文|特约撰稿人?)[\s:：/]*)?"
    rf"(?P<names>{_HAN_NAME}(?:[\s、　]+{_HAN_NAME}){{0,3}})\s*[）)]\s*$"
)
# After a reporter label with no separator ("本报记者罗科苏盈发自北京") the names must end there: at the
# line's end, a space, a bracket or 发自/报道/摄. "记者从市教育局获悉", "记者会上，" are sentences.
_REPORTER_NAMES = re.compile(
    rf"^{_HAN_NAME}(?:[\s\u3000\xa0、]+{_HAN_NAME}){{0,4}}"
    r"(?=$|[\s\u3000\xa0)）】\]|｜/]|发自|报道|摄)"
)
# "周思博 (Joel Spolsky)": a translated name followed by its original form in brackets.
_ALTERNATE = re.compile(r"^\s*[(（](?P<alt>[A-Za-z][A-Za-z .'\-]{1,40})[)）]")
# "Powered by <CMS>", "Produced By <vendor>": the software or the web agency, not the writer.
_NOT_BY = re.compile(
    r"(?:powered|produced|designed|developed|supported|hosted|created|built|made|driven|maintained|"
    r"technology|技术支持|设计|制作)\s*$",
    re.IGNORECASE,
)
# "By" opens a byline at the start of a line, after a date, time or separator ("2005/03/15 22:36 by x"),
# or after the verbs of a blog's byline ("Posted by", "Written by"); "killed by police" is a sentence.
_BY_MAY_FOLLOW = re.compile(
    r"(?:^|[\d|｜·•\-–—:：,，(（\[【]|\b(?:posted|written|published|story|words|text|reported))\s*$",
    re.IGNORECASE,
)
_NAME_PARTICLES = frozenset("and de van von der den da di du la le bin al el y".split())
_SENTENCE_END = re.compile(r"[。！？!?]")
_LABEL_ONLY = re.compile(rf"^\s*(?P<label>{_LABELS})\s*[:：]\s*$")
_SINGLE_CJK = re.compile(r"^[\u4e00-\u9fff]$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A name on a line of its own under the headline ("胡平"): two to four Han characters, or two such names.
_BARE_NAME = re.compile(rf"^{_HAN_NAME}(?:[\s\u3000\xa0、]+{_HAN_NAME})?$")
_MAX_BYLINE_LINE = 120
_MAX_NAME = 20
_MAX_BARE_LINE = 40

# -- what an unlabelled personal name looks like ----------------------------------------------------
# Common Chinese surnames (simplified and traditional forms); the compound ones are matched first.
_COMPOUND_SURNAMES = tuple(
    "欧阳 歐陽 司马 司馬 上官 诸葛 諸葛 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 夏侯 令狐 宇文 司徒 "
    "端木 独孤 獨孤 南宫 南宮 西门 西門 呼延 申屠 澹台 澹臺 轩辕 軒轅".split()
)
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑"
    "迟邝官封谈匡鞠惠荆乐冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻厉伊仝郜阚花权帅屠豆朴盖练廉禹祖漆巴丰"
    "支卿狄计索宣晋初云容敬扈晁芮阙浦戈伏鹿薄邸雍辜羊裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危银亢嵇湛宾戎勾茅"
    "张劉陳楊黃趙吳孫馬鄭羅梁謝許韓馮鄧蕭葉蘇呂盧鍾譚陸賈韋鄒熊邱閆賀顧龔錢嚴湯顏龐聶魯詹歐關蘭紀畢駱藍"
    "靳鮑饒穆盧簡車連婁竇費衛臧閔鄔邊師欒隋鄺談鞏蘆鄔厲闞練戰謝賴塗劉張蔣潘魏"
)
# Transliterated minority names (Tibetan, Uyghur, Mongolian, Kazakh…) seldom start with a surname.
_MINORITY_NAME_STARTS = tuple(
    "扎西 次仁 次旦 格桑 达瓦 尼玛 多吉 索朗 旦增 洛桑 拉巴 央金 德吉 卓玛 白玛 普布 边巴 阿 买买提 艾 热依 "
    "努尔 古丽 吐尔 巴特 乌兰 宝音 其木格 斯琴 哈斯 朝鲁 额尔 那仁 苏和 图雅".split()
)
# Endings of organisations, places and page furniture: "新华社", "人民日报", "本报讯", "朝阳区", "张家界".
_NOT_NAME_ENDINGS = tuple(
    "社 报 報 讯 訊 网 網 台 站 刊 部 局 厅 廳 委 办 辦 院 所 会 會 馆 館 厂 廠 省 市 县 縣 区 區 州 镇 鎮 "
    "乡 鄉 村 队 隊 团 團 处 處 界 中心 新闻 新聞 频道 頻道 评论员 评论 综合 图 圖 页 頁 稿 完 续 版".split()
)
# Provinces and regions, which start with a surname character often enough ("吉林", "江西", "黄山"…).
_REGIONS = frozenset(
    "北京 天津 上海 重庆 重慶 河北 山西 辽宁 遼寧 吉林 黑龙江 黑龍江 江苏 江蘇 浙江 安徽 福建 江西 山东 山東 "
    "河南 湖北 湖南 广东 廣東 海南 四川 贵州 貴州 云南 雲南 陕西 陝西 甘肃 甘肅 青海 台湾 臺灣 台灣 内蒙古 "
    "广西 廣西 西藏 宁夏 寧夏 新疆 香港 澳门 澳門 中国 中國 全国 全國 华北 华东 华南 华中 西北 西南 东北".split()
)
# Words that stand alone on a line near a headline but are headings, channels or controls, not people.
_NOT_NAME_WORDS = frozenset(
    "前言 引言 序言 摘要 提要 内容提要 导语 导读 编者按 编者的话 按语 题记 小引 楔子 正文 目录 简介 概述 背景 "
    "综述 附件 评论 分享 打印 关闭 返回 首页 登录 注册 收藏 点赞 专题 图片 视频 图集 相关 推荐 更多 上一篇 "
    "下一篇 原文 全文 结语 后记 尾声 注释 参考文献 作者 记者 来源 编辑 责任编辑 本报讯 见图 下同 待续 "
    "未完待续 资料图 原标题 转载 要闻 国内 国际 财经 体育 娱乐 科技 社会 文化 教育 健康 军事 时政 观点 地方 "
    "本地 房产 汽车 旅游 法治 民生 经济 政治 理论 生活 时尚 读书 文学 历史 人物 专访 独家 快讯 热点 头条 "
    "资讯 公告 通知 图文 字号 大中小 佚名 匿名 简介 信息 介绍 其他文章 文章 专栏".split()
)
_NOT_NAME_STARTS = tuple(
    "关闭 打印 返回 分享 收藏 点击 进入 查看 发表 我要 加入 订阅 下载 上传 登录 注册 更多 相关 推荐 热门 最新 "
    "本报 本刊 本网 本站 据 综合 原标题 来源 责任 编辑 记者 作者 图片 视频 资料 摄影 摄像 全文 未完".split()
)


def looks_like_name(token: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether an unlabelled token reads as a personal name (see the module docstring)."""
    if token in _NOT_NAME_WORDS or token in _REGIONS or token.startswith(_NOT_NAME_STARTS):
        return False
    if token in known:
        return True
    if "·" in token:  # "阿卜杜拉·艾买提", "约翰·史密斯"
        return 3 <= len(token) <= _MAX_NAME and not token.startswith("·") and not token.endswith("·")
    if not 2 <= len(token) <= 4 or token.endswith(_NOT_NAME_ENDINGS):
        return False
    if token.startswith(_COMPOUND_SURNAMES) or token.startswith(_MINORITY_NAME_STARTS):
        return True
    # Four characters after a one-character surname are mostly idioms and slogans ("高歌猛进").
    return token[0] in _SURNAMES and len(token) <= 3


@dataclass
class Byline:
    """Names found in byline lines and the rule (label) that found each field."""

    author: str | None = None
    source: str | None = None
    editor: str | None = None
    rules: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Byline) -> None:
        for name in ("author", "source", "editor"):
            if getattr(self, name) is None and getattr(other, name) is not None:
                setattr(self, name, getattr(other, name))
                self.rules[name] = other.rules[name]


def _join_spaced_characters(tokens: list[str]) -> list[str]:
    """ "赵  培" is one name spaced out for alignment: runs of single Han characters are joined."""
    out: list[str] = []
    run = ""
    for token in tokens:
        if _SINGLE_CJK.match(token):
            run += token
            continue
        if run:
            out.append(run)
            run = ""
        out.append(token)
    if run:
        out.append(run)
    return out


def _name_tokens(value: str) -> list[str]:
    tokens = [t for t in _NAME_SPLIT.split(value.strip(" 　.。")) if t]
    return _join_spaced_characters(tokens)


def clean_names(value: str) -> str | None:
    names = []
    for raw in _name_tokens(value):
        name = _NAME_NOISE.sub("", raw).strip(" 　:：")
        if (
            name
            and re.search(r"\w", name)
            and not re.search(r"[=<>\"']", name)
            and len(name) <= _MAX_NAME
            and name not in _NOT_NAME_WORDS
            and name not in names
        ):
            names.append(name)
    return " ".join(names) if names else None


def _latin_name(value: str) -> bool:
    """ "John Smith", "Jane van der Berg", a handle ("duscha"); not "the end of the year"."""
    words = value.split()
    if not 1 <= len(words) <= 5 or re.search(r"[\d.!?;]", value):
        return False
    return len(words) == 1 or all(
        w[0].isupper() or w.lower() in _NAME_PARTICLES or _CJK.search(w) for w in words
    )


def parse_byline(text: str) -> Byline:
    """Fields from one short line such as "来源:人民日报  作者:张三 李四  责任编辑:王五"."""
    byline = Byline()
    if len(text) > _MAX_BYLINE_LINE:
        return byline
    for match in _BYLINE.finditer(text):
        label = match["label"]
        field_name = _LABEL_FIELDS[label]
        if field_name == "credit" or getattr(byline, field_name) is not None:
            continue  # "摄影：王五" ends the author's value but names the photographer
        raw = match["value"]
        if label in _BARE_LABELS:
            names = _REPORTER_NAMES.match(text[match.start("value") :])
            if not match["sep"] and (names is None or len(text) > _MAX_BARE_LINE):
                continue  # "记者从…获悉", "记者会上" in a sentence is not a byline
            if names:
                raw = names.group(0)  # reporters' names run on, separated by wide spaces
        elif not match["sep"]:
            continue  # "文化", "来源于": only reporter labels may run straight into a name
        if field_name != "source" and _SENTENCE_END.search(raw.strip().rstrip("。.")):
            continue  # "记者：请问您怎样看待……？" is an interview question, not a name
        value = raw if field_name == "source" else clean_names(raw)
        value = value.strip() if value else None
        if label.lower() == "by" and value:
            before = text[: match.start("label")]
            if _NOT_BY.search(before) or not _BY_MAY_FOLLOW.search(before) or not _latin_name(value):
                continue  # "Powered by <CMS>", "killed by police", "Photo by X" are not bylines
        if (
            value
            and field_name == "author"
            and _CJK.search(value)
            and (alt := _ALTERNATE.match(text[match.end("value") :]))
        ):
            value = f"{value} ({alt['alt'].strip()})"
        if value and (field_name != "author" or len(value) <= 40):
            setattr(byline, field_name, value)
            byline.rules[field_name] = f"byline:{label}"
    return byline


def trailing_signature(paragraph: str) -> Byline:
    """The bracketed signature that closes a paragraph: "……发展。（记者 胡晓蓉）", "（袁源）"."""
    match = _TRAILING_SIGNATURE.search(paragraph[-40:])
    if not match:
        return Byline()
    tokens = _name_tokens(match["names"])
    if match["label"] is None and not all(looks_like_name(token) for token in tokens):
        return Byline()  # "（新华社）", "（本报综合）", "（全文完）" close a paragraph but are not people
    names = clean_names(match["names"])
    if names is None:
        return Byline()
    return Byline(author=names, rules={"author": "byline:signature"})


def parse_byline_lines(texts: list[str]) -> Byline:
    """Fields from consecutive lines, where a label may sit alone in one table cell and its value in
    the next ("发文机关：" | "吉林省人民政府")."""
    byline = Byline()
    for index, text in enumerate(texts):
        if (label := _LABEL_ONLY.match(text)) and index + 1 < len(texts):
            following = texts[index + 1].strip()
            if 0 < len(following) <= 40 and not _LABEL_ONLY.match(following):
                byline.merge(parse_byline(f"{label['label']}：{following}"))
                continue
        byline.merge(parse_byline(text))
    return byline


def bare_name(text: str, known: frozenset[str] = frozenset()) -> Byline:
    """A line that is only a personal name, as essays and magazine pieces print under the headline.

    ``known``: names the page itself gives elsewhere (its title "茉莉：……"), accepted without a surname.
    """
    text = text.strip(" \u3000\xa0")
    if not _BARE_NAME.match(text):
        return Byline()
    tokens = _name_tokens(text)
    if not tokens or not all(looks_like_name(token, known) for token in tokens):
        return Byline()
    return Byline(author=" ".join(tokens), rules={"author": "byline:bare-name"})


def is_byline_line(text: str) -> bool:
    """A short line made of byline fields only, which belongs in metadata, not in the body."""
    if len(text) > 60:
        return False
    byline = parse_byline(text)
    return byline.author is not None or byline.editor is not None or byline.source is not None
