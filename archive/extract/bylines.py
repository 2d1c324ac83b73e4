"""Bylines: who wrote the article (作者, 记者, 文/), where it came from (来源), who edited it (责任编辑).

Two kinds of evidence, trusted differently:

* a labelled field ("作者：张三", "（记者 张三）", "【来源】人民日报", "記者王小明／台北報導", "By John
  Smith"): the label says what the value is, so the value is only cleaned (names.person_names);
* an unlabelled name (a short line under the headline, "（张三）" closing the last paragraph): nothing says
  it is a person, so it is taken only when it reads as a personal name (names.looks_like_name).

Author, source and editor are three fields and stay apart: a 责任编辑 is never the author, a 来源 never
either. Simplified and Traditional labels follow the same conventions and are read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .names import MAX_NAME, SURNAMES, person_names

# A label, then the value up to the next label, a bracket or a long gap.
_LABEL_FIELDS = {
    "作者": "author",
    "撰文": "author",
    "撰文者": "author",
    "撰稿": "author",
    "撰稿人": "author",
    "文": "author",
    "文字": "author",
    "文/图": "author",
    "图/文": "author",
    "文／圖": "author",
    "圖／文": "author",
    "文图": "author",
    "图文": "author",
    "记者": "author",
    "記者": "author",
    "通讯员": "author",
    "通訊員": "author",
    "来源": "source",
    "來源": "source",
    "稿源": "source",
    "出处": "source",
    "出處": "source",
    "责任编辑": "editor",
    "責任編輯": "editor",
    "责编": "editor",
    "責編": "editor",
    "编辑": "editor",
    "編輯": "editor",
    "by": "author",
    "By": "author",
    "BY": "author",
    # Government documents are issued by an office: GB/T 9704-2012 (党政机关公文格式) names the issuing
    # organ (发文机关) as the document's signatory, and the disclosure tables of government sites print it.
    "发文机关": "author",
    "發文機關": "author",
    "发布机构": "author",
    "发文单位": "author",
    "发布单位": "author",
    # Credits for other work on the page: they end the value before them and are not the writer.
    "摄影": "credit",
    "攝影": "credit",
    "摄像": "credit",
    "攝像": "credit",
    "图": "credit",
    "圖": "credit",
    "图片": "credit",
    "圖片": "credit",
    "制图": "credit",
    "製圖": "credit",
    "视频": "credit",
    "視頻": "credit",
    "影音": "credit",
    "翻译": "credit",
    "翻譯": "credit",
    "译": "credit",
    "譯": "credit",
    "校对": "credit",
    "校對": "credit",
    "审核": "credit",
    "審核": "credit",
    "审校": "credit",
    "監製": "credit",
    "监制": "credit",
    "策划": "credit",
    "策劃": "credit",
    "统筹": "credit",
    "統籌": "credit",
    "设计": "credit",
    "設計": "credit",
}
_ORGANISATION_AUTHORS = frozenset({"发文机关", "發文機關", "发布机构", "发文单位", "发布单位"})
# Reporter labels, which may carry the paper's name in front ("新华社记者", "中央社記者", "本报记者") and may
# run straight into the name ("本报记者罗某发自北京").
_REPORTER = r"(?:[\u4e00-\u9fff]{1,6}?)?(?:记者|記者|通讯员|通訊員)"
_LABELS = "|".join(sorted(map(re.escape, _LABEL_FIELDS), key=len, reverse=True))
_BYLINE = re.compile(
    rf"(?:^|(?<=[\s　(（【\[〔|｜/／、]))(?P<label>{_REPORTER}|{_LABELS})"
    rf"(?P<sep>\s*[:：/／|｜]\s*|\s*[】\]]\s*[:：]?\s*|\s+|(?=[\u4e00-\u9fff]))"
    rf"(?P<value>[^\s　:：|｜()（）【】\[\]〔〕](?:[^:：|｜()（）【】\[\]〔〕]*?))"
    rf"(?=\s*(?:$|[(（)）【】\[\]〔〕|｜]|\s{{2,}}|\s*(?:{_LABELS})\s*[:：/／]|(?:19|20)\d{{2}}[-/.年]"
    rf"|\s*(?:发布|發布|时间|時間|日期|点击|點擊|浏览|瀏覽|阅读|閱讀)))"
)
_HAN_NAME = r"(?:[\u4e00-\u9fff]{1,10}(?:·[\u4e00-\u9fff]{1,10}){1,3}|[\u4e00-\u9fff]{2,4})"
# Places that open a news agency's dateline ("中央社記者王小明台北5日電"): the name ends where they begin.
_DATELINE_PLACES = (
    "台北|臺北|新北|桃園|台中|臺中|台南|臺南|高雄|基隆|新竹|嘉義|苗栗|彰化|南投|雲林|屏東|宜蘭|花蓮|台東|臺東|澎湖|"
    "金門|馬祖|香港|澳門|北京|上海|東京|首爾|華盛頓|紐約|倫敦|巴黎|柏林|莫斯科|新加坡"
)
# After a reporter label with no separator the names must end there: at the line's end, a space, a
# bracket, a slash ("記者王小明／台北報導"), 发自/报道/摄, or a dateline. "记者从市教育局获悉" is a sentence.
_REPORTER_NAMES = re.compile(
    rf"^{_HAN_NAME}(?:[\s\u3000\xa0、]+{_HAN_NAME}){{0,4}}"
    rf"(?=$|[\s\u3000\xa0)）】\]〕|｜/／]|发自|發自|报道|報導|報道|摄|攝|(?:{_DATELINE_PLACES})?\d{{1,2}}日[电電])"
)
# "周思博 (Joel Spolsky)": translated writing prints a foreign name's original form in brackets after its
# Chinese form (外国人名译名后括注原文, the rule of Chinese editing and translation style guides).
_ORIGINAL_FORM = re.compile(r"^\s*[(（](?P<alt>[A-Z][A-Za-z'’.\-]+(?:\s+[A-Za-z'’.\-]+){1,3})[)）]")
# "本报记者  王  浩": a two-character name set to the width of three (see names.join_spaced_names).
_SPACED_NAME = re.compile(
    rf"(?<=[\s\u3000\xa0:：/／])([{''.join(sorted(SURNAMES))}])[\s\u3000\xa0]{{1,3}}([\u4e00-\u9fff])"
    r"(?=$|[\s\u3000\xa0)）】\]〕|｜/／])"
)
# A user id followed by the name the page shows for it: "zhang_san88（张三）".
_SHOWN_NAME = re.compile(r"^\s*[(（](?P<name>[\u4e00-\u9fff·]{2,8})[)）]")
# "本报记者  王  浩": a two-character name set to the width of three (see names.join_spaced_names).
_SPACED_NAME = re.compile(
    rf"(?<=[\s\u3000\xa0:：/／])([{''.join(sorted(SURNAMES))}])[\s\u3000\xa0]{{1,3}}([\u4e00-\u9fff])"
    r"(?=$|[\s\u3000\xa0)）】\]〕|｜/／])"
)
# A user id followed by the name the page shows for it: "zhang_san88（张三）".
_SHOWN_NAME = re.compile(r"^\s*[(（](?P<name>[\u4e00-\u9fff·]{2,8})[)）]")
# "Powered by <CMS>", "Produced By <vendor>": the software or the web agency, not the writer.
_NOT_BY = re.compile(
    r"(?:powered|produced|designed|developed|supported|hosted|created|built|made|driven|maintained|"
    r"technology|技术支持|设计|制作|photo|photos|photograph|image|images|illustration|video)\s*$",
    re.IGNORECASE,
)
# "By" opens a byline at the start of a line or after a separator, or after the verbs of a blog's
# byline ("Posted by", "Written by"); "killed by police" is a sentence.
_BY_MAY_FOLLOW = re.compile(
    r"(?:^|[|｜·•\-–—(（\[【]|\b(?:posted|written|published|story|words|text|reported))\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。！？!?]")
_LABEL_ONLY = re.compile(rf"^\s*(?P<label>{_LABELS})\s*[:：]\s*$")
_SOURCE_JUNK = re.compile(r"[=<>\"']|^\W*$")
# "（记者 胡晓蓉）", "（总台记者 张倩）", "〔記者王小明／台北報導〕", "（袁源）": Chinese news signs the last
# paragraph in brackets (新华社, 人民日报 and the Taiwan dailies alike).
_TRAILING_SIGNATURE = re.compile(
    r"[（(〔【\[]\s*(?:(?P<label>[\u4e00-\u9fff]{0,6}?(?:记者|記者|通讯员|通訊員)|作者|撰文|撰稿|文|特约撰稿人?|特約撰稿人?)"
    r"[\s:：/／]*)?"
    rf"(?P<names>{_HAN_NAME}(?:[\s、　]+{_HAN_NAME}){{0,3}})"
    rf"(?:\s*[/／]\s*[\u4e00-\u9fff]{{1,8}}(?:报道|報導|報道|电|電)|\s*(?:{_DATELINE_PLACES})?\d{{1,2}}日[电電])?"
    r"\s*[）)〕】\]]\s*$"
)
# A name on a line of its own under the headline ("胡平"): two to four Han characters, or two such names.
_BARE_NAME = re.compile(rf"^{_HAN_NAME}(?:[\s\u3000\xa0、]+{_HAN_NAME})?$")
_MAX_BYLINE_LINE = 120
_MAX_BARE_LINE = 40


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


def clean_source(value: str) -> str | None:
    """A source is a publication's name as printed; markup debris and empty values are not."""
    value = value.strip(" 　.。:：")
    if not value or _SOURCE_JUNK.search(value) or len(value) > 40:
        return None
    return value


def _field_of(label: str) -> str:
    return "author" if label not in _LABEL_FIELDS else _LABEL_FIELDS[label]


def _is_reporter(label: str) -> bool:
    return label.endswith(("记者", "記者", "通讯员", "通訊員"))


def parse_byline(text: str) -> Byline:
    """Fields from one short line such as "来源:人民日报  作者:张三 李四  责任编辑:王五"."""
    byline = Byline()
    if len(text) > _MAX_BYLINE_LINE:
        return byline
    text = _SPACED_NAME.sub(r"\1\2", text)
    for match in _BYLINE.finditer(text):
        label = match["label"]
        field_name = _field_of(label)
        if field_name == "credit" or getattr(byline, field_name) is not None:
            continue  # "摄影：王五" ends the author's value but names the photographer
        raw = match["value"]
        if _is_reporter(label):
            names = _REPORTER_NAMES.match(text[match.start("value") :])
            if not match["sep"] and (names is None or len(text) > _MAX_BARE_LINE):
                continue  # "记者从…获悉", "记者会上" in a sentence is not a byline
            if names:
                raw = names.group(0)  # reporters' names run on, separated by wide spaces
        elif not match["sep"]:
            continue  # "文化", "来源于": only reporter labels may run straight into a name
        if field_name != "source" and _SENTENCE_END.search(raw.strip().rstrip("。.")):
            continue  # "记者：请问您怎样看待……？" is an interview question, not a name
        value = _value(label, field_name, raw, text, match)
        if value is None:
            continue
        setattr(byline, field_name, value)
        byline.rules[field_name] = (
            f"byline:{'记者' if _is_reporter(label) and label not in _LABEL_FIELDS else label}"
        )
        if field_name == "author" and byline.source is None and _is_reporter(label):
            outlet = label[: -3 if label.endswith(("通讯员", "通訊員")) else -2]
            if len(outlet) >= 2 and outlet not in {"本报", "本報", "本刊", "本网", "本網", "特约", "特約"}:
                byline.source, byline.rules["source"] = outlet, "byline:reporter-outlet"
    return byline


def _value(label: str, field_name: str, raw: str, text: str, match: re.Match[str]) -> str | None:
    if field_name == "source":
        return clean_source(raw)
    if label.lower() == "by":
        before = text[: match.start("label")]
        if _NOT_BY.search(before) or not _BY_MAY_FOLLOW.search(before):
            return None  # "Powered by <CMS>", "killed by police", "Photo by X" are not bylines
        return person_names(raw, labelled=True, keep_latin_single=before.strip() != "")
    if label in _ORGANISATION_AUTHORS:
        value = raw.strip(" 　")
        return value if 2 <= len(value) <= 40 else None
    value = person_names(raw, labelled=True, keep_latin_single=True)
    if value is None and (shown := _SHOWN_NAME.match(text[match.end("value") :])):
        value = person_names(shown["name"], labelled=True)  # "zhang_san88（张三）": the name, not the id
    if value and field_name == "author" and (original := _ORIGINAL_FORM.match(text[match.end("value") :])):
        value = f"{value} ({original['alt'].strip()})"
    if value and len(value) > 40:
        return None
    return value


def trailing_signature(paragraph: str) -> Byline:
    """The bracketed signature that closes a paragraph: "……发展。（记者 胡晓蓉）", "（袁源）"."""
    match = _TRAILING_SIGNATURE.search(paragraph[-50:])
    if not match:
        return Byline()
    labelled = match["label"] is not None
    names = person_names(match["names"], labelled=labelled)
    if names is None or (not labelled and "".join(names.split()) != "".join(match["names"].split())):
        return Byline()  # "（新华社）", "（本报综合）", "（全文完）" close a paragraph but are not people
    return Byline(author=names, rules={"author": "byline:signature"})


_LEADING_BRACKET = re.compile(r"^\s*[〔（(【\[](?P<inner>[^〔〕（）()【】\[\]]{2,40})[〕）)】\]]")


def leading_byline(paragraph: str) -> Byline:
    """The bracketed byline that opens the first paragraph: "〔記者王大同／台北報導〕……", "（中央社記者
    陳小華台北20日電）……", as Taiwan's dailies and news agency print it. Only labelled fields count."""
    match = _LEADING_BRACKET.match(paragraph)
    if not match:
        return Byline()
    found = parse_byline(match["inner"])
    return Byline(author=found.author, rules={"author": found.rules["author"]}) if found.author else Byline()


def parse_byline_lines(texts: list[str], cells: frozenset[int] = frozenset()) -> Byline:
    """Fields from consecutive lines. ``cells``: positions of lines that are table or definition-list
    cells, where a label may sit alone in one cell and its value in the next ("发文机关：" | "某省政府"),
    as the key/value tables of government disclosure pages and article info boxes print them."""
    byline = Byline()
    for index, text in enumerate(texts):
        if (
            index in cells
            and index + 1 in cells
            and (label := _LABEL_ONLY.match(text))
            and index + 1 < len(texts)
        ):
            following = texts[index + 1].strip()
            if 0 < len(following) <= 40 and not _LABEL_ONLY.match(following):
                byline.merge(parse_byline(f"{label['label']}：{following}"))
                continue
        byline.merge(parse_byline(text))
    return byline


def bare_name(text: str) -> Byline:
    """A line that is only a personal name, as essays and magazine pieces print under the headline."""
    text = text.strip(" \u3000\xa0")
    if not _BARE_NAME.match(text) or len(text) > MAX_NAME:
        return Byline()
    names = person_names(text, labelled=False)
    if not names or "".join(names.split()) != "".join(text.split()):
        return Byline()  # every part of the line must be a name
    return Byline(author=names, rules={"author": "byline:bare-name"})


def is_byline_line(text: str) -> bool:
    """A short line made of byline fields only, which belongs in metadata, not in the body."""
    if len(text) > 60:
        return False
    byline = parse_byline(text)
    return byline.author is not None or byline.editor is not None or byline.source is not None
