"""The completeness report as one self-contained HTML file: opens offline, years from now, from a USB stick.

Everything is inline: the CSS, the charts (SVG drawn here, no script), and the report's JSON in a
``<script type="application/json">`` block for programs. No URL of the network is loaded: archived and
missing URLs appear only as text, never as ``src`` or ``href``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

from archive.db.completeness import CompletenessReport, completeness_line
from archive.sites import get_site

WIDTH = 720
# Past this many days, captures are drawn per month (then per year): columns thinner than a few pixels
# cannot be told apart.
MAX_COLUMNS = 120
_LABEL_CHARS = 28
_MAX_LABEL_PX = 260
_MAX_COLUMN_PX = 48

_STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
       "Source Han Sans SC", sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em;
       color: #222; line-height: 1.5; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
.meta { color: #666; font-size: 0.9em; }
.verdict { padding: 0.8em 1em; border-radius: 4px; font-weight: bold; margin: 1em 0; }
.verdict.complete { background: #e6f4ea; border: 1px solid #4c9a5f; }
.verdict.incomplete { background: #fdecea; border: 1px solid #c0392b; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { text-align: left; padding: 0.25em 0.8em 0.25em 0; vertical-align: top; }
th { border-bottom: 1px solid #999; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.url, code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.88em; word-break: break-all; }
.charts { display: grid; grid-template-columns: 1fr; gap: 1.5em; }
figure { margin: 0; }
figcaption { font-weight: bold; margin-bottom: 0.3em; }
svg text { font-size: 12px; fill: #333; }
.none { color: #4c9a5f; }
"""

_STATUS_COLOURS = {"2": "#4c9a5f", "3": "#3b7dd8", "4": "#e08e0b", "5": "#c0392b"}
_BAR = "#5b7fa6"


def render_report_html(report: CompletenessReport) -> str:
    """The whole report page as a string (UTF-8 text, nothing external)."""
    site = get_site(report.site)
    title = f"{site.archive_title}: completeness"
    verdict_class = "complete" if report.complete else "incomplete"
    sections = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(site.host)} · newest capture {escape(report.as_of or "none")}</p>',
        f'<div class="verdict {verdict_class}">{escape(completeness_line(report))}</div>',
        _figures_table(report),
        "<h2>Charts</h2>",
        '<div class="charts">',
        _figure("Captures over time", _captures_chart(report.captures_per_day)),
        _figure("HTTP status of each URL's newest capture", _status_chart(report.status_counts)),
        _figure("Archived articles per section", bar_chart(list(report.section_counts.items()))),
        _figure("Archived articles per year of publication", column_chart(_years_filled(report.year_counts))),
        _figure("WARC bytes written per run", _runs_chart(report)),
        "</div>",
        _runs_table(report),
        _missing_articles(report),
        _missing_images(report),
        _url_list(
            "Articles gone (404/410)",
            [(a.url, _gone_note(a.status, a.archived_before)) for a in report.articles_gone],
        ),
        _url_list(
            "Archived articles whose newest fetch failed", [(a.url, a.reason) for a in report.articles_stale]
        ),
        _url_list(
            "Excluded by robots.txt",
            [(url, "article") for url in report.articles_excluded]
            + [(url, "image") for url in report.images_excluded],
        ),
        f'<p class="meta">robots.txt: {escape(report.robots)}</p>',
        _embedded_json(report),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        f"<style>{_STYLE}</style>\n</head><body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


def write_report_html(report: CompletenessReport, path: Path) -> None:
    path.write_text(render_report_html(report), encoding="utf-8")


def _figures_table(report: CompletenessReport) -> str:
    rows = [
        ("Articles found (linked from an archived page, a start URL or captured)", report.articles_found),
        ("Articles archived (ok extraction)", report.articles_archived),
        ("… of which through a redirect", report.articles_via_redirect),
        ("Articles missing", len(report.articles_missing)),
        ("Articles gone (404/410)", len(report.articles_gone)),
        ("Articles excluded by robots.txt", len(report.articles_excluded)),
        ("Article links to other hosts (out of scope)", report.articles_out_of_scope),
        ("Images referenced by archived articles", report.images_referenced),
        ("Images captured", report.images_captured),
        ("Images missing", len(report.images_missing)),
        ("Images excluded by robots.txt", len(report.images_excluded)),
        ("Images on other hosts (out of scope)", report.images_out_of_scope),
    ]
    body = "".join(f'<tr><td>{escape(label)}</td><td class="n">{value:,}</td></tr>' for label, value in rows)
    return f"<table>{body}</table>"


def _figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{svg}</figure>"


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def _no_data(height: int = 40) -> str:
    return f'<svg width="{WIDTH}" height="{height}" role="img"><text x="0" y="20">no data</text></svg>'


def bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    value_text: Callable[[int], str] = lambda value: f"{value:,}",
    colour: Callable[[str], str] = lambda _label: _BAR,
) -> str:
    """Horizontal bars, one per item, label left and value right: long Chinese labels stay readable."""
    if not items:
        return _no_data()
    row, value_width = 22, 110
    label_width = min(_MAX_LABEL_PX, max(_text_px(_short(label)) for label, _ in items)) + 12
    span = WIDTH - label_width - value_width
    top = max(value for _, value in items) or 1
    parts = []
    for index, (label, value) in enumerate(items):
        y = index * row
        length = max(1.0, span * value / top) if value else 0.0
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(_short(label))}'
            f"<title>{escape(label)}</title></text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" fill="{colour(label)}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">{escape(value_text(value))}</text>'
        )
    height = row * len(items)
    return (
        f'<svg width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img">{"".join(parts)}</svg>'
    )


def column_chart(items: Sequence[tuple[str, int]], *, height: int = 180) -> str:
    """Vertical columns in order (time on the x axis), with as many x labels as fit without overlap."""
    if not items:
        return _no_data()
    left, bottom, top_pad = 50, 36, 16
    plot_width, plot_height = WIDTH - left - 10, height - bottom - top_pad
    top = max(value for _, value in items) or 1
    step = min(plot_width / len(items), _MAX_COLUMN_PX / 0.8)
    label_every = max(1, -(-len(items) * 80 // plot_width))  # about 80 px per label
    parts = [
        f'<line x1="{left}" y1="{top_pad + plot_height}" x2="{left + plot_width}" '
        f'y2="{top_pad + plot_height}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top:,}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_height}" text-anchor="end">0</text>',
    ]
    for index, (label, value) in enumerate(items):
        bar_height = plot_height * value / top
        x = left + index * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{top_pad + plot_height - bar_height:.1f}" '
            f'width="{max(step * 0.8, 1):.1f}" height="{bar_height:.1f}" fill="{_BAR}">'
            f"<title>{escape(label)}: {value:,}</title></rect>"
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    return (
        f'<svg width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img">{"".join(parts)}</svg>'
    )


def _text_px(text: str) -> int:
    """Rough width at 12 px: CJK characters are square, Latin ones about half as wide."""
    return sum(12 if ord(char) >= 0x2E80 else 7 for char in text)


def _captures_chart(per_day: dict[str, int]) -> str:
    """Captures per day, every day of the span shown (a quiet day is a gap, not skipped); per month or per
    year when the span is too long for a column per day (or per month)."""
    try:
        days = [dt.date.fromisoformat(day) for day in per_day]
    except ValueError:  # a capture without a usable WARC-Date: draw what is there, in order
        return column_chart(list(per_day.items()))
    if not days:
        return column_chart([])
    first, last = min(days), max(days)
    if (last - first).days < MAX_COLUMNS:
        span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        return column_chart([(day.isoformat(), per_day.get(day.isoformat(), 0)) for day in span])
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= MAX_COLUMNS:
        names = [
            f"{first.year + (first.month - 1 + n) // 12:04d}-{(first.month - 1 + n) % 12 + 1:02d}"
            for n in range(months)
        ]
        width = 7
    else:
        names = [f"{year:04d}" for year in range(first.year, last.year + 1)]
        width = 4
    totals = dict.fromkeys(names, 0)
    for day, count in per_day.items():
        totals[day[:width]] += count
    return column_chart(list(totals.items()))


def _years_filled(year_counts: dict[str, int]) -> list[tuple[str, int]]:
    """Every year from the first to the last (a year without articles shows as empty), undated last."""
    years = sorted(int(year) for year in year_counts if year.isdigit())
    items = (
        [(str(year), year_counts.get(str(year), 0)) for year in range(years[0], years[-1] + 1)]
        if years
        else []
    )
    items += [(label, count) for label, count in year_counts.items() if not label.isdigit()]
    return items


def _status_chart(status_counts: dict[str, int]) -> str:
    return bar_chart(
        [
            (f"HTTP {status}" if status != "none" else "no status (resource)", n)
            for status, n in status_counts.items()
        ],
        colour=lambda label: _STATUS_COLOURS.get(label.removeprefix("HTTP ")[:1], _BAR),
    )


def _run_label(started: str | None, run_id: str | None) -> str:
    when = (started or "")[:16].replace("T", " ")
    return f"{when} {(run_id or 'no warcinfo')[:8]}".strip()


def _runs_chart(report: CompletenessReport) -> str:
    return bar_chart(
        [(_run_label(run.started, run.run_id), run.warc_bytes) for run in report.runs], value_text=_bytes
    )


def _bytes(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return str(count)


def _when(stamp: str | None) -> str:
    """``2026-12-02T15:38:33.262790+00:00`` -> ``2026-12-02 15:38:33`` (all stamps are UTC)."""
    return (stamp or "")[:19].replace("T", " ")


def _runs_table(report: CompletenessReport) -> str:
    head = "<tr><th>run</th><th>started</th><th>finished</th><th>end</th><th>captures</th><th>WARC files</th><th>bytes</th><th>failures</th></tr>"
    rows = []
    for run in report.runs:
        failures = ", ".join(f"{kind} {count}" for kind, count in run.failures.items()) or "none"
        rows.append(
            f"<tr><td><code>{escape(run.run_id or 'no warcinfo')}</code></td>"
            f"<td>{escape(_when(run.started))}</td><td>{escape(_when(run.finished))}</td>"
            f"<td>{escape(run.finish_reason or 'no end-of-run record')}</td>"
            f'<td class="n">{run.captures:,}</td><td class="n">{run.warc_files:,}</td>'
            f'<td class="n">{escape(_bytes(run.warc_bytes))}</td><td>{escape(failures)}</td></tr>'
        )
    return f"<h2>Runs</h2><table>{head}{''.join(rows)}</table>"


def _missing_articles(report: CompletenessReport) -> str:
    title = f"Articles missing ({len(report.articles_missing):,})"
    if not report.articles_missing:
        return f'<h2>{title}</h2><p class="none">None: every article found is archived.</p>'
    rows = "".join(
        f'<tr><td class="url">{escape(a.url)}</td><td>{escape(a.reason)}</td>'
        f'<td class="url">{escape(a.linked_from or "")}</td></tr>'
        for a in report.articles_missing
    )
    return f"<h2>{title}</h2><table><tr><th>URL</th><th>why</th><th>linked from</th></tr>{rows}</table>"


def _missing_images(report: CompletenessReport) -> str:
    title = f"Images missing ({len(report.images_missing):,})"
    if not report.images_missing:
        return f'<h2>{title}</h2><p class="none">None: every image of the archived articles is captured.</p>'
    rows = "".join(
        f'<tr><td class="url">{escape(i.url)}</td><td>{escape(i.reason)}</td>'
        f'<td class="url">{escape(i.article)}</td></tr>'
        for i in report.images_missing
    )
    return f"<h2>{title}</h2><table><tr><th>image</th><th>why</th><th>in article</th></tr>{rows}</table>"


def _gone_note(status: int, archived_before: bool) -> str:
    return f"HTTP {status}" + ("; an older copy is archived" if archived_before else "; never archived")


def _url_list(title: str, entries: list[tuple[str, str]]) -> str:
    if not entries:
        return ""
    rows = "".join(
        f'<tr><td class="url">{escape(url)}</td><td>{escape(note)}</td></tr>' for url, note in entries
    )
    return f"<h2>{escape(title)} ({len(entries):,})</h2><table>{rows}</table>"


def _embedded_json(report: CompletenessReport) -> str:
    """The report's JSON for programs; ``</`` is escaped so no URL in it can end the block."""
    data = json.dumps(report.as_json(), ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/json" id="completeness-json">\n{data}\n</script>'
