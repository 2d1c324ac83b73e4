"""Bylines: who wrote the article (作者, 记者, 文/), where it came from (来源), who edited it (编辑)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A label, then the value up to the next label, a bracket or a long gap.
_LABEL_FIELDS = {
    "作者": "author",
    "撰文": "author",
    "撰稿": "author",
    "文": "author",
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
    # Government notices are "written" by an office: 发文机关 is their author.
    "发文机关": "author",
    "发布机构": "author",
    "发文单位": "author",
    "发布单位": "author",
}
_LABELS = "|".join(sorted(map(re.escape, _LABEL_FIELDS), key=len, reverse=True))
_BYLINE = re.compile(
    rf"(?:^|[\s　(（【\[|｜])(?P<label>{_LABELS})(?P<sep>\s*[:：/|｜]\s*|\s+|(?=[\u4e00-\u9fff]))(?P<value>[^\s　:：|｜()（）【】\[\]]"
    rf"(?:[^:：|｜()（）【】\[\]]*?))(?=\s*(?:$|[(（)）】\]|｜]|\s{{2,}}|\s*(?:{_LABELS})\s*[:：/]|(?:19|20)\d{{2}}[-/.年]|\s*(?:发布|时间|日期|点击|浏览|阅读)))"
)
_BARE_LABELS = frozenset({"记者", "本报记者", "本刊记者", "通讯员"})
_NAME_SPLIT = re.compile(r"[\s　、,，;；/]+")
_NAME_NOISE = re.compile(r"^.{0,4}(记者|通讯员)|(发自|报道|摄影?$).*$")
# "（记者 胡晓蓉）", "（袁源）": Chinese news often signs the last paragraph in brackets.
_TRAILING_SIGNATURE = re.compile(
    r"[（(]\s*(?:(?:本报|本刊)?(?:记者|通讯员|作者|文)[\s:：/]*)?(?P<names>[\u4e00-\u9fff·]{2,4}(?:[\s、　]+[\u4e00-\u9fff·]{2,4}){0,3})\s*[）)]\s*$"
)
_NOT_NAMES = frozenset({"见图", "下同", "完", "待续", "未完待续", "图片", "资料图", "原标题", "转载"})
_REPORTER_NAMES = re.compile(r"^[\u4e00-\u9fff·]{2,4}(?:[\s\u3000\xa0、,，]+[\u4e00-\u9fff·]{2,4}){0,4}")
# "周思博 (Joel Spolsky)": a name followed by its romanised or original form in brackets.
_ALTERNATE = re.compile(r"^\s*[(（](?P<alt>[A-Za-z][A-Za-z .'\-]{1,40})[)）]")
# "Powered by <CMS>", "Produced By <vendor>": the software or the web agency, not the writer.
_NOT_BY = re.compile(
    r"(?:powered|produced|designed|developed|supported|hosted|created|built|made|driven|maintained|"
    r"technology|技术支持|设计|制作)\s*$",
    re.IGNORECASE,
)
_LABEL_ONLY = re.compile(rf"^\s*(?P<label>{_LABELS})\s*[:：]\s*$")
_SINGLE_CJK = re.compile(r"^[\u4e00-\u9fff]$")
# A name on a line of its own under the headline ("胡平"): two to four Han characters, or two such names.
_BARE_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}(?:[\s\u3000\xa0、]+[\u4e00-\u9fff·]{2,4})?$")
_NOT_BARE_NAMES = frozenset(
    "前言 引言 序言 摘要 导语 导读 编者按 正文 目录 简介 概述 背景 综述 附件 评论 分享 打印 关闭 返回 首页 "
    "登录 注册 收藏 点赞 专题 图片 视频 图集 相关 推荐 更多 上一篇 下一篇 原文 全文 结语 后记 尾声 注释 "
    "参考文献 作者 记者 来源 编辑 责任编辑".split()
)
_MAX_BYLINE_LINE = 120
_MAX_NAME = 20
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


def clean_names(value: str) -> str | None:
    names = []
    tokens = [t for t in _NAME_SPLIT.split(value.strip(" 　.。")) if t]
    for raw in _join_spaced_characters(tokens):
        name = _NAME_NOISE.sub("", raw).strip(" 　:：")
        if (
            name
            and re.search(r"\w", name)
            and not re.search(r"[=<>\"']", name)
            and len(name) <= _MAX_NAME
            and name not in names
        ):
            names.append(name)
    return " ".join(names) if names else None


def parse_byline(text: str) -> Byline:
    """Fields from one short line such as "来源:人民日报  作者:张三 李四  责任编辑:王五"."""
    byline = Byline()
    if len(text) > _MAX_BYLINE_LINE:
        return byline
    for match in _BYLINE.finditer(text):
        label = match["label"]
        if not match["sep"] and (label not in _BARE_LABELS or len(text) > _MAX_BARE_LINE):
            continue  # "记者从…获悉" in a sentence is not a byline  # "文化", "来源于": only reporter labels may run straight into a name
        if label.lower() == "by" and _NOT_BY.search(text[: match.start("label")]):
            continue  # "Produced By <CMS name>" in a footer is not a byline
        field_name = _LABEL_FIELDS[label]
        if getattr(byline, field_name) is not None:
            continue
        raw = match["value"]
        if label in _BARE_LABELS and (names := _REPORTER_NAMES.match(text[match.start("value") :])):
            raw = names.group(0)  # reporters' names run on, separated by wide spaces
        value = raw if field_name == "source" else clean_names(raw)
        value = value.strip() if value else None
        if value and field_name == "author" and (alt := _ALTERNATE.match(text[match.end("value") :])):
            value = f"{value} ({alt['alt'].strip()})"
        if value and (field_name != "author" or len(value) <= 40):
            setattr(byline, field_name, value)
            byline.rules[field_name] = f"byline:{label}"
    return byline


def trailing_signature(paragraph: str) -> Byline:
    """The bracketed signature that closes a paragraph: "……发展。（记者 胡晓蓉）"."""
    match = _TRAILING_SIGNATURE.search(paragraph[-40:])
    if not match or match["names"] in _NOT_NAMES:
        return Byline()
    return Byline(author=clean_names(match["names"]), rules={"author": "byline:signature"})


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


def bare_name(text: str) -> Byline:
    """A line that is only a personal name, as essays and magazine pieces print under the headline."""
    text = text.strip(" \u3000\xa0")
    if not _BARE_NAME.match(text) or text in _NOT_BARE_NAMES:
        return Byline()
    return Byline(author=clean_names(text), rules={"author": "byline:bare-name"})


def is_byline_line(text: str) -> bool:
    """A short line made of byline fields only, which belongs in metadata, not in the body."""
    if len(text) > 60:
        return False
    byline = parse_byline(text)
    return byline.author is not None or byline.editor is not None or byline.source is not None
