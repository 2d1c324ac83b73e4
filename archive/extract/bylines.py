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
}
_LABELS = "|".join(sorted(map(re.escape, _LABEL_FIELDS), key=len, reverse=True))
_BYLINE = re.compile(
    rf"(?:^|[\s　(（【\[|｜])(?P<label>{_LABELS})(?P<sep>\s*[:：/|｜]\s*|\s+|(?=[\u4e00-\u9fff]))(?P<value>[^\s　:：|｜()（）【】\[\]]"
    rf"(?:[^:：|｜()（）【】\[\]]*?))(?=\s*(?:$|[)）】\]|｜]|\s{{2,}}|\s*(?:{_LABELS})\s*[:：/]|(?:19|20)\d{{2}}[-/.年]|\s*(?:发布|时间|日期|点击|浏览|阅读)))"
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


def _clean_names(value: str) -> str | None:
    names = []
    for raw in _NAME_SPLIT.split(value.strip(" 　.。")):
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
        field_name = _LABEL_FIELDS[label]
        if getattr(byline, field_name) is not None:
            continue
        raw = match["value"]
        if label in _BARE_LABELS and (names := _REPORTER_NAMES.match(text[match.start("value") :])):
            raw = names.group(0)  # reporters' names run on, separated by wide spaces
        value = raw if field_name == "source" else _clean_names(raw)
        value = value.strip() if value else None
        if value and (field_name != "author" or len(value) <= 40):
            setattr(byline, field_name, value)
            byline.rules[field_name] = f"byline:{label}"
    return byline


def trailing_signature(paragraph: str) -> Byline:
    """The bracketed signature that closes a paragraph: "……发展。（记者 胡晓蓉）"."""
    match = _TRAILING_SIGNATURE.search(paragraph[-40:])
    if not match or match["names"] in _NOT_NAMES:
        return Byline()
    return Byline(author=_clean_names(match["names"]), rules={"author": "byline:signature"})


def is_byline_line(text: str) -> bool:
    """A short line made of byline fields only, which belongs in metadata, not in the body."""
    if len(text) > 60:
        return False
    byline = parse_byline(text)
    return byline.author is not None or byline.editor is not None or byline.source is not None
