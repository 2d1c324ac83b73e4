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
# A government document carries its own date, the 成文日期 (GB/T 9704-2012, 党政机关公文格式, prints it
# under the issuing organ's signature); the site's 发布日期 only says when it was put online.
_DOCUMENT_LABELS = ("成文日期", "发文日期", "印发日期")
_PREFERRED_LABELS = ("发布", "发表", "发稿", "刊发", "出版", "Published", "Posted")


def _label_rank(label: str) -> int:
    if label.startswith(_DOCUMENT_LABELS):
        return 0
    return 1 if label.startswith(_PREFERRED_LABELS) else 2


_EARLIEST = dt.date(1990, 1, 1)
_NEAR_TITLE_LINES = 8
# A labelled date may sit further down: in a key/value table of eight to twelve cells under the headline.
LABELLED_HEADER_LINES = 14
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


def find_labelled_date(lines: Sequence[TextLine], latest: dt.date | None) -> tuple[str, str] | None:
    """(iso, rule): the date a document label (成文日期) introduces, else the first one a publication
    label introduces, else the first of any other label.

    The label may stand alone on the line before its date, as key/value tables print it."""
    best: tuple[int, str, str] | None = None
    for index, line in enumerate(lines):
        if len(line.text) > _MAX_DATE_LINE or line.link_share > 0.5:
            continue
        found = labelled_date(line.text, latest)
        if found is None and (label := DATE_LABEL.fullmatch(line.text.strip())) and index + 1 < len(lines):
            # The label alone in one table cell, its date in the next ("发布日期：" | "2022年03月02日").
            following = lines[index + 1].text
            iso = parse_date(following, latest) if len(following) <= 40 else None
            found = (iso, label.group(1)) if iso else None
        if found is None:
            continue
        iso, label = found
        rank = _label_rank(label)
        if rank == 0:
            return iso, f"text:{label}"
        if best is None or rank < best[0]:
            best = (rank, iso, f"text:{label}")
    return (best[1], best[2]) if best else None


def find_unlabelled_date(lines: Sequence[TextLine], latest: dt.date | None) -> str | None:
    """The first full date printed on one of these (header) lines."""
    for line in lines:
        if (
            len(line.text) <= _MAX_DATE_LINE
            and line.link_share <= 0.5
            and (iso := parse_date(line.text, latest))
        ):
            return iso
    return None


def near(lines: Sequence[TextLine], anchor: int, after: int = _NEAR_TITLE_LINES) -> Sequence[TextLine]:
    """The header zone around an anchor line (the headline or the body's first line)."""
    return lines[max(0, anchor - 2) : anchor + after]


# -- relative and partial forms ----------------------------------------------------------------------
# Portals and news apps print recent items as "3小时前", "昨天 10:30", "05-18 10:30": the year, or the
# whole day, comes from the day the page was captured.
_RELATIVE = re.compile(
    r"(?P<n>\d{1,3})\s*(?P<unit>分钟|分鐘|小时|小時|个小时|個小時|天|日)前|(?P<word>刚刚|剛剛|今天|今日|昨天|昨日|前天)"
    r"(?:\s*(?P<H>\d{1,2})[:：](?P<M>\d{2}))?"
)
_PARTIAL = re.compile(
    r"(?<![\d年/.\-])(?:(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日|(?P<m2>[01]?\d)[-/](?P<d2>[0-3]?\d)(?=\s+\d{1,2}[:：]\d{2}))"
    r"(?:\s*(?P<H>\d{1,2})[:：](?P<M>\d{2}))?"
)
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?([01]\d)[-/_]?([0-3]\d)(?!\d)")


def url_date(url: str) -> dt.date | None:
    """The date many CMSs put in article URLs ("/2020-05/18/", "/20200518/"), as a reference day."""
    for match in _URL_DATE.finditer(url):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def _with_time(day: dt.date, hour: str | None, minute: str | None) -> str:
    if hour is None or minute is None or int(hour) > 23 or int(minute) > 59:
        return day.isoformat()
    return f"{day.isoformat()}T{int(hour):02d}:{minute}"


def relative_date(text: str, reference: dt.date | dt.datetime) -> str | None:
    """ "3小时前", "昨天 10:30" resolved against the capture time (the day only, when that is all we know)."""
    match = _RELATIVE.search(text)
    if not match:
        return None
    now = reference if isinstance(reference, dt.datetime) else None
    day = reference.date() if isinstance(reference, dt.datetime) else reference
    if match["word"]:
        back = {"昨天": 1, "昨日": 1, "前天": 2}.get(match["word"], 0)
        return _with_time(day - dt.timedelta(days=back), match["H"], match["M"])
    amount, unit = int(match["n"]), match["unit"]
    if unit in {"天", "日"}:
        return (day - dt.timedelta(days=amount)).isoformat()
    minutes = amount if unit.startswith("分") else amount * 60
    if now is not None:
        stamp = now - dt.timedelta(minutes=minutes)
        return f"{stamp.date().isoformat()}T{stamp.hour:02d}:{stamp.minute:02d}"
    return day.isoformat() if minutes < 24 * 60 else None


def partial_date(text: str, reference: dt.date) -> str | None:
    """ "5月18日 10:30", "05-18 10:30" without a year: the latest such day not after the reference."""
    for match in _PARTIAL.finditer(text):
        month, dom = (
            (int(match["m1"]), int(match["d1"])) if match["m1"] else (int(match["m2"]), int(match["d2"]))
        )
        for year in (reference.year, reference.year - 1):
            try:
                day = dt.date(year, month, dom)
            except ValueError:
                break
            if day <= reference:
                return _with_time(day, match["H"], match["M"])
    return None


def find_relative_date(
    lines: Sequence[TextLine], capture: dt.date | dt.datetime | None, url_day: dt.date | None = None
) -> tuple[str, str] | None:
    """(iso, rule) for a relative or year-less date on a header line. A relative date needs the capture
    time; a year-less one takes its year from the capture day, else from the date in the page's URL."""
    day = capture.date() if isinstance(capture, dt.datetime) else capture
    for line in lines:
        if len(line.text) > _MAX_DATE_LINE or line.link_share > 0.5:
            continue
        if capture is not None and (iso := relative_date(line.text, capture)):
            return iso, "text:relative"
        if (reference := day or url_day) is not None and (iso := partial_date(line.text, reference)):
            return iso, "text:partial"
    return None


# -- the issue a reprint cites ---------------------------------------------------------------------------
# Reprinted essays close with the issue they first appeared in: "——《北京之春》1998年3月号", "原载《读书》
# 2005年第3期", "（刊于《半月谈》2019年第24期）". The periodical's name in 《》 and an issue make it a citation.
_ISSUE = re.compile(
    r"《[^》]{1,30}》\s*(?P<y>(?:19|20)\d{2})\s*年\s*(?:(?P<m>\d{1,2})\s*月(?:号|號|刊)|第\s*\d{1,3}\s*期)"
)


def issue_date(lines: Sequence[TextLine], latest: dt.date | None) -> str | None:
    """ "1998-03" (or the year alone for a numbered issue) from the citation closing a reprint."""
    for line in lines:
        if len(line.text) > _MAX_DATE_LINE:
            continue
        match = _ISSUE.search(line.text)
        if not match:
            continue
        year = int(match["y"])
        month = int(match["m"]) if match["m"] else None
        if month is not None and not 1 <= month <= 12:
            continue
        first = dt.date(year, month or 1, 1)
        if first < _EARLIEST or (latest is not None and first > latest):
            continue
        return f"{year:04d}-{month:02d}" if month else f"{year:04d}"
    return None


def structured_date(value: str, latest: dt.date | None) -> str | None:
    """A machine-readable date ("2020-01-02T17:11:00+08:00", "2020/01/02 17:11") in our ISO form."""
    text = re.sub(r"(\d)T(\d)", r"\1 \2", value.strip())
    return parse_date(text, latest)
