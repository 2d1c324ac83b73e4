"""Publication dates as Chinese pages write them, with htmldate as the fallback.

Chinese article pages print the date as a labelled line next to the headline ("发布日期:2018-05-18",
"发布时间：2022年02月11日 09:52"); that line is a better witness than ``<meta>`` tags or URLs, which
portals fill with crawl or update times. Dates are never later than the capture date, and lines that
belong to related-article lists or footers are not passed in here at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from .lines import TextLine

DATE_PATTERN = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
# Bare 日期/时间 count only as a label of their own ("时间：2005-08-22"): "当地时间", "北京时间",
# "出生日期", "发行日期" date an event, a person or a record, not the page.
DATE_LABEL = re.compile(
    r"(发布日期|发布时间|发表时间|发表日期|发稿时间|发稿日期|发文日期|成文日期|印发日期|刊发时间|刊发日期|"
    r"出版日期|更新时间|更新日期|录入时间|添加时间|(?<![\u4e00-\u9fff])(?:日期|时间)|"
    r"Published|Posted|Date)\s*[:：]?\s*$",
    re.IGNORECASE,
)
# "[引用日期2014-05-19]", "访问日期": when a reference was consulted, not when the page was published.
_CONSULTED = re.compile(r"(引用|访问|检索|查阅|浏览|获取|Accessed|Retrieved)\s*$", re.IGNORECASE)
_PREFERRED_LABELS = ("发布", "发表", "发稿", "发文", "刊发", "出版", "Published", "Posted")
_EARLIEST = dt.date(1990, 1, 1)
_NEAR_TITLE_LINES = 8
_MAX_DATE_LINE = 120


def _valid(match: re.Match[str], latest: dt.date | None) -> dt.date | None:
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    if day < _EARLIEST or (latest is not None and day > latest):
        return None
    return day


def to_iso(match: re.Match[str], day: dt.date) -> str:
    """Date, or date and time of day when the page gives one (minutes kept, seconds when present)."""
    if match["H"] is None or int(match["H"]) > 23 or int(match["M"]) > 59:
        return day.isoformat()
    stamp = f"{day.isoformat()}T{int(match['H']):02d}:{match['M']}"
    return f"{stamp}:{match['S']}" if match["S"] else stamp


def parse_date(text: str, latest: dt.date | None = None) -> str | None:
    """The first valid date in ``text`` as ISO 8601."""
    for match in DATE_PATTERN.finditer(text):
        if day := _valid(match, latest):
            return to_iso(match, day)
    return None


def labelled_date(text: str, latest: dt.date | None = None) -> tuple[str, str] | None:
    """(iso, label) for a date that a label such as 发布日期 introduces in this line."""
    for match in DATE_PATTERN.finditer(text):
        window = text[max(0, match.start() - 16) : match.start()]
        label = DATE_LABEL.search(window)
        if label and _CONSULTED.search(window[: label.start()]):
            continue
        if label and (day := _valid(match, latest)):
            return to_iso(match, day), label.group(1)
    return None


def find_text_date(
    lines: Sequence[TextLine], anchors: Sequence[int], latest: dt.date | None
) -> tuple[str, str] | None:
    """(iso, rule): a labelled date anywhere outside boilerplate, else an unlabelled one by the title."""
    best: tuple[str, str] | None = None
    for line in lines:
        if len(line.text) > _MAX_DATE_LINE or line.link_share > 0.5:
            continue
        found = labelled_date(line.text, latest)
        if found is None:
            continue
        iso, label = found
        if label.startswith(_PREFERRED_LABELS):
            return iso, f"text:{label}"
        if best is None:
            best = (iso, f"text:{label}")
    if best is not None:
        return best
    for anchor in anchors:
        for line in lines[max(0, anchor - 2) : anchor + _NEAR_TITLE_LINES]:
            if (
                len(line.text) <= _MAX_DATE_LINE
                and line.link_share <= 0.5
                and (iso := parse_date(line.text, latest))
            ):
                return iso, "text:near-title" if anchor == anchors[0] else "text:near-body"
    return None


YEAR_MONTH = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d{1,2}\s*日)")


def find_year_month(lines: Sequence[TextLine], latest: dt.date | None) -> str | None:
    """ "1998年3月号": magazines date an article by its issue; returned as "1998-03"."""
    for line in lines:
        if len(line.text) > _MAX_DATE_LINE:
            continue
        for match in YEAR_MONTH.finditer(line.text):
            year, month = int(match["y"]), int(match["m"])
            if 1 <= month <= 12 and dt.date(year, month, 1) >= _EARLIEST:
                if latest is None or dt.date(year, month, 1) <= latest:
                    return f"{year:04d}-{month:02d}"
    return None
