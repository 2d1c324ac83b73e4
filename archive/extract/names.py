"""Personal names: what one looks like, and the values that look like a byline but name no one.

Every author value, from a labelled line, a signature, a ``<meta>`` tag or JSON-LD, passes through
:func:`person_names` before it is stored. The value is split into names and each one is kept only when
it is a person as the page shows them: never a site, paper or portal ("新浪财经", "經濟日報"), a
placeholder ("佚名", "昵称", "Your name"), a user id or staff code ("sina_mobile", "103553", "SF099"),
an e-mail address or URL, or a job title ("专栏作者", "研究员" are cut from "研究员徐占忱"). When
nothing is left the page has no author: no author is better than a wrong one.

A labelled value ("作者：芊草") vouches for a pen name of any shape; an unlabelled one (a line under the
headline, ``<meta name="author">``) must read as a personal name: a common surname first, or the
transliterated "·" form of minority and foreign names, or a Latin-script "First Last".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_NAME = 20
_HAN = r"\u4e00-\u9fff"

# Common Chinese surnames (simplified and traditional forms); the compound ones are matched first.
COMPOUND_SURNAMES = tuple(
    "欧阳 歐陽 司马 司馬 上官 诸葛 諸葛 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 夏侯 令狐 宇文 司徒 "
    "端木 独孤 獨孤 南宫 南宮 西门 西門 呼延 申屠 澹台 澹臺 轩辕 軒轅".split()
)
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑"
    "迟邝官封谈匡鞠惠荆乐冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻厉伊仝郜阚花权帅屠豆朴盖练廉禹祖漆巴丰"
    "支卿狄计索宣晋初云容敬扈晁芮阙浦戈伏鹿薄邸雍辜羊裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危银亢嵇湛宾戎勾茅"
    "張劉陳楊黃趙吳孫馬鄭羅謝許韓馮鄧蕭葉蘇呂盧鍾譚陸賈韋鄒閆賀顧龔錢嚴湯顏龐聶魯歐關蘭紀畢駱藍鮑饒簡車"
    "連婁竇費衛臧閔鄔邊師欒鄺談鞏蘆厲闞練戰賴塗蔣魏鐘凃溫萬闕龍葛麥華閻鄞項買雲樂樓諶時齊單喬應籃陽繆"
)
# Transliterated minority names (Tibetan, Uyghur, Mongolian, Kazakh…) seldom start with a surname.
MINORITY_NAME_STARTS = tuple(
    "扎西 次仁 次旦 格桑 达瓦 尼玛 多吉 索朗 旦增 洛桑 拉巴 央金 德吉 卓玛 白玛 普布 边巴 阿 买买提 艾 热依 "
    "努尔 古丽 吐尔 巴特 乌兰 宝音 其木格 斯琴 哈斯 朝鲁 额尔 那仁 苏和 图雅".split()
)
# Endings of organisations, places and page furniture: "新华社", "人民日报", "本报讯", "朝阳区", "經濟日報".
ORGANISATION_ENDINGS = tuple(
    "社 报 報 讯 訊 网 網 台 臺 站 刊 部 局 厅 廳 委 办 辦 院 所 会 會 馆 館 厂 廠 省 市 县 縣 区 區 州 镇 鎮 "
    "乡 鄉 村 队 隊 团 團 处 處 界 中心 新闻 新聞 频道 頻道 财经 財經 资讯 資訊 杂志 雜誌 周刊 週刊 公司 集团 集團 "
    "大学 大學 学院 學院 学校 學校 政府 协会 協會 联合会 聯合會 工作室 评论员 評論員 评论 評論 综合 綜合 "
    "图 圖 页 頁 稿 完 续 續 版 号 號 客户端 客戶端 官微 微博 公众号 公眾號 博客 部落格 空间 空間 专栏 專欄 "
    "主页 主頁".split()
)
# Provinces and regions, which start with a surname character often enough ("吉林", "江西", "黄山"…).
REGIONS = frozenset(
    "北京 天津 上海 重庆 重慶 河北 山西 辽宁 遼寧 吉林 黑龙江 黑龍江 江苏 江蘇 浙江 安徽 福建 江西 山东 山東 "
    "河南 湖北 湖南 广东 廣東 海南 四川 贵州 貴州 云南 雲南 陕西 陝西 甘肃 甘肅 青海 台湾 臺灣 台灣 内蒙古 "
    "广西 廣西 西藏 宁夏 寧夏 新疆 香港 澳门 澳門 中国 中國 全国 全國 华北 华东 华南 华中 西北 西南 东北 "
    "台北 臺北 新北 桃园 桃園 台中 臺中 台南 臺南 高雄 基隆 新竹 嘉义 嘉義 宜兰 宜蘭 花莲 花蓮 台东 臺東 屏东 屏東".split()
)
# The wire services and portals whose names stand where a writer's should (on every site that reprints
# them): a page that names one of them as its author names no person.
MEDIA_BRANDS = frozenset(
    "新华社 新華社 新华网 新華網 人民网 人民網 人民日报 人民日報 中新社 中新网 中新網 央视 央視 央广 央廣 新浪 网易 "
    "網易 搜狐 腾讯 騰訊 凤凰 鳳凰 澎湃 中央社 联合报 聯合報 自由时报 自由時報 中时 中時 东森 東森 三立 今日头条 "
    "头条 頭條 百家号 百家號 一点资讯 一點資訊".split()
)
# Words that stand alone on a line near a headline but are headings, channels or controls, not people;
# and the placeholders a form or a template prints where a name would go ("佚名" = author unknown).
NOT_NAME_WORDS = frozenset(
    "前言 引言 序言 摘要 提要 内容提要 导语 导读 编者按 编者的话 按语 题记 小引 楔子 正文 目录 简介 概述 背景 "
    "综述 附件 评论 分享 打印 关闭 返回 首页 登录 注册 收藏 点赞 专题 图片 视频 图集 相关 推荐 更多 上一篇 "
    "下一篇 原文 全文 结语 后记 尾声 注释 参考文献 作者 记者 来源 编辑 责任编辑 本报讯 见图 下同 待续 "
    "未完待续 资料图 原标题 转载 要闻 国内 国际 财经 体育 娱乐 科技 社会 文化 教育 健康 军事 时政 观点 地方 "
    "本地 房产 汽车 旅游 法治 民生 经济 政治 理论 生活 时尚 读书 文学 历史 人物 专访 独家 快讯 热点 头条 "
    "资讯 公告 通知 图文 字号 大中小 信息 介绍 其他文章 文章 专栏 "
    "佚名 匿名 无名 無名 未知 不详 不詳 姓名 名字 昵称 暱稱 用户名 用戶名 网名 網名 网友 網友 游客 遊客 访客 訪客 "
    "管理员 管理員 站长 站長 小编 小編 编辑部 編輯部 编者 編者 本站 本网 本網 本报 本報 本刊 邮箱 郵箱 电子邮件 "
    "電子郵件 必填 选填 請輸入 请输入 作者名 記者 編輯 責任編輯 來源 評論 分享 訂閱 网络 網絡 網路 互联网 互聯網 "
    "转载 轉載 原创 原創 整理 来稿 來稿 投稿 综合 綜合".split()
)
_LATIN_PLACEHOLDERS = frozenset(
    "name your yourname email e-mail mail required optional anonymous guest unknown admin administrator "
    "webmaster editor author staff user nickname website url comment".split()
)
NOT_NAME_STARTS = tuple(
    "关闭 打印 返回 分享 收藏 点击 进入 查看 发表 我要 加入 订阅 下载 上传 登录 注册 更多 相关 推荐 热门 最新 "
    "本报 本刊 本网 本站 据 综合 原标题 来源 責任 责任 编辑 編輯 记者 記者 作者 图片 圖片 视频 視頻 资料 摄影 "
    "攝影 摄像 全文 未完 请输入 請輸入 您的".split()
)
# Job titles and roles printed before a name ("专栏作者 张三", "研究员徐占忱", "…部长"): never a name.
JOB_TITLES = tuple(
    sorted(
        "专栏作者 專欄作者 专栏作家 專欄作家 特约撰稿人 特約撰稿人 撰稿人 特约评论员 特約評論員 评论员 評論員 评论家 "
        "評論家 特约记者 特約記者 实习记者 實習記者 见习记者 首席记者 记者 記者 通讯员 通訊員 实习生 實習生 研究员 "
        "研究員 副研究员 教授 副教授 讲师 講師 博士 博士生 硕士 碩士 主任 院长 院長 所长 所長 部长 部長 社长 社長 "
        "总编辑 總編輯 主编 主編 编辑 編輯 作家 学者 學者 律师 律師 医生 醫生 醫師 工程师 工程師 分析师 分析師 "
        "经济学家 經濟學家 董事长 董事長 总经理 總經理 总裁 總裁 创始人 創辦人 主席 理事长 理事長 秘书长 秘書長 "
        "书记 書記 教师 老师 老師 校长 校長 主持人 顾问 顧問 执行长 執行長 专家 專家 作者 会长 會長 局长 局長 "
        "厅长 廳長 处长 處長 科长 科長 馆长 館長 总监 總監 经理 經理 代表 委员 委員 议员 議員 编审 編審".split(),
        key=len,
        reverse=True,
    )
)
_JOB_TITLE_END = re.compile(rf"(?:{'|'.join(map(re.escape, JOB_TITLES))})$")
_JOB_TITLE_THEN_NAME = re.compile(rf"^.*(?:{'|'.join(map(re.escape, JOB_TITLES))})(?P<name>[{_HAN}]{{2,4}})$")
_SPLIT = re.compile(r"[\s\u3000\xa0、,，;；/／|｜]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"^(?:https?:|www\.)|\.(?:com|cn|net|org|tw|hk)(?:/|$)", re.IGNORECASE)
_ID = re.compile(r"^[A-Za-z0-9_.\-]*(?:\d|_)[A-Za-z0-9_.\-]*$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'’.\-]*$")
_NAME_PARTICLES = frozenset("and de van von der den da di du la le bin al el y".split())
_CJK = re.compile(f"[{_HAN}]")
_SINGLE_HAN = re.compile(f"^[{_HAN}]$")
_NOISE = re.compile(
    r"^[\"'“”‘’「」『』《》〈〉()（）\[\]【】<>:：.。·•\-—–]+|[\"'“”‘’「」『』《》〈〉()（）\[\]【】<>:：.。·•\-—–]+$"
)
# "台北報導", "北京电", "发自北京": the place a report was filed from, printed after the reporter's name.
_DATELINE = re.compile(rf"^(?:发自|發自)[{_HAN}]{{1,8}}$|^[{_HAN}]{{0,8}}(?:报道|報導|報道|电|電|讯|訊)$")


def looks_like_name(token: str) -> bool:
    """Whether an unlabelled token reads as a personal name (see the module docstring)."""
    if not token or is_not_a_name_word(token):
        return False
    if "·" in token:  # "阿卜杜拉·艾买提", "约翰·史密斯"
        return 3 <= len(token) <= MAX_NAME and not token.startswith("·") and not token.endswith("·")
    if not 2 <= len(token) <= 4 or not all(_CJK.match(ch) for ch in token):
        return False
    if token.startswith(COMPOUND_SURNAMES) or token.startswith(MINORITY_NAME_STARTS):
        return True
    # Four characters after a one-character surname are mostly idioms and slogans ("高歌猛进").
    return token[0] in SURNAMES and len(token) <= 3


def is_not_a_name_word(token: str) -> bool:
    """Headings, channels, controls, placeholders, places and organisations: never a person."""
    return (
        token in NOT_NAME_WORDS
        or token in REGIONS
        or token in MEDIA_BRANDS
        or token.startswith(NOT_NAME_STARTS)
        or token.endswith(ORGANISATION_ENDINGS)
        or bool(_JOB_TITLE_END.search(token))
    )


def _latin_name(words: list[str]) -> bool:
    """ "John Smith", "Jane van der Berg": capitalised words; not a handle, a code or a sentence."""
    if not 2 <= len(words) <= 5 or not all(_LATIN_WORD.match(w) for w in words):
        return False
    if any(w.lower() in _LATIN_PLACEHOLDERS for w in words):
        return False
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def _is_id(token: str) -> bool:
    """A user id or staff code: ASCII with a digit or an underscore ("sina_mobile", "SF099", "103553")."""
    return token.isascii() and bool(_ID.match(token))


def _strip_job_title(token: str) -> str | None:
    """ "研究员徐占忱" -> "徐占忱"; a bare title ("专栏作者", "世界经济研究部部长") -> None."""
    if match := _JOB_TITLE_THEN_NAME.match(token):
        name = match["name"]
        return name if looks_like_name(name) else None
    if _JOB_TITLE_END.search(token):
        return None
    return token


def join_spaced_names(tokens: list[str]) -> list[str]:
    """ "王 浩" -> "王浩": newspapers set a two-character name with a space (or two) between its characters
    so that it takes the width of a three-character one (人民日报, 光明日报 and most party papers print
    "本报记者 王 浩"); a surname character followed by one more single character is one name."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if _SINGLE_HAN.match(token) and token in SURNAMES and _SINGLE_HAN.match(following):
            out.append(token + following)
            index += 2
            continue
        out.append(token)
        index += 1
    return out


def _cjk_token(token: str, labelled: bool) -> str | None:
    token = _strip_job_title(token) or ""
    if not token or is_not_a_name_word(token) or _DATELINE.match(token):
        return None
    if labelled:
        # The label vouches for a pen name; a whole phrase or sentence is still not one.
        if len(token) > 8 and "·" not in token:
            return None
        return token if re.fullmatch(rf"[{_HAN}·]{{2,}}", token) else None
    return token if looks_like_name(token) else None


def person_names(
    value: str | None, *, labelled: bool, not_names: Iterable[str] = (), keep_latin_single: bool = False
) -> str | None:
    """The personal names in ``value``, space-separated, or None when it names no person.

    ``labelled``: the value followed a byline label (作者, 记者, 文/, By), which vouches for pen names.
    ``not_names``: names of this site, its sections and its sources, never taken as a person.
    ``keep_latin_single``: accept a one-word Latin handle ("duscha") where a label introduced it.
    """
    if not value:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if _URL.search(text) and " " not in text.strip():
        return None  # a profile or social-media page, not a name
    excluded = {unicodedata.normalize("NFKC", n).strip().lower() for n in not_names if n and n.strip()}
    if unicodedata.normalize("NFKC", text).lower() in excluded:
        return None
    text = _EMAIL.sub(" ", text)
    tokens = [_NOISE.sub("", t) for t in _SPLIT.split(text)]
    tokens = join_spaced_names([t for t in tokens if t])
    names: list[str] = []
    latin_run: list[str] = []

    def flush_latin() -> None:
        if _latin_name(latin_run):
            names.append(" ".join(latin_run))
        elif (
            len(latin_run) == 1
            and keep_latin_single
            and _LATIN_WORD.match(latin_run[0])
            and latin_run[0].lower() not in _LATIN_PLACEHOLDERS
        ):
            names.append(latin_run[0])
        latin_run.clear()

    for token in tokens:
        if token.isascii() and _LATIN_WORD.match(token) and not _is_id(token):
            latin_run.append(token)
            continue
        flush_latin()
        if _is_id(token) or _URL.search(token) or len(token) > MAX_NAME:
            continue
        if unicodedata.normalize("NFKC", token).lower() in excluded:
            continue
        if _CJK.search(token) and (name := _cjk_token(token, labelled)) and name not in names:
            names.append(name)
    flush_latin()
    return " ".join(names) if names else None


def site_names(*values: str | None) -> set[str]:
    """Every part of the site's own names ("新浪财经_新浪网" -> both parts), to tell them from people."""
    found: set[str] = set()
    for value in values:
        for part in re.split(r"\s*[_|｜\-–—:：»·]\s*", value or ""):
            if part.strip():
                found.add(part.strip())
    return found
