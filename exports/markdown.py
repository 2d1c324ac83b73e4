"""The archive's articles as Markdown files, one per article, for reading or a static site.

Each file starts with YAML front matter (every value written as JSON, which YAML reads as is: no
escaping rules of our own) and then the title, the paragraphs and the article's images as Markdown
images linking to their original URLs. Articles and their order are those of the JSONL export.
File names come from the URL path (``show-case-1616.md``), made unique with a digest of the URL only
when two paths would collide, so an export is the same from one run to the next.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlite_utils import Database
from tqdm import tqdm

from exports.jsonl import iter_article_records

FRONT_MATTER_KEYS = ("title", "url", "published", "section", "breadcrumb", "author", "captured", "images")
_UNSAFE = re.compile(r"[^\w\-.]+")
# A paragraph starting like Markdown syntax (heading, quote, list, rule, numbered item) is escaped.
_MARKDOWN_START = re.compile(r"^(#|>|[-+*] |[-*_]{3}|\d+[.)] )")


def file_stem(url: str) -> str:
    """A readable, filesystem-safe name from the URL's path (Chinese kept, separators replaced)."""
    parts = urlsplit(url)
    path = unquote(parts.path).strip("/")
    path = re.sub(r"\.(s?html?|php|aspx?)$", "", path)
    stem = _UNSAFE.sub("_", path.replace("/", "_")).strip("_.")
    if parts.query:
        stem += "_" + hashlib.sha1(parts.query.encode()).hexdigest()[:8]
    return stem or "index"


def unique_names(urls: list[str]) -> dict[str, str]:
    """URL -> file name; names that two URLs would share get a digest of the URL appended."""
    stems = {url: file_stem(url) for url in urls}
    counts: dict[str, int] = {}
    for stem in stems.values():
        counts[stem] = counts.get(stem, 0) + 1
    return {
        url: (stem if counts[stem] == 1 else f"{stem}-{hashlib.sha1(url.encode()).hexdigest()[:8]}") + ".md"
        for url, stem in stems.items()
    }


def render_markdown(record: dict[str, Any]) -> str:
    """One article as front matter plus Markdown body."""
    front = [f"{key}: {json.dumps(record[key], ensure_ascii=False)}" for key in FRONT_MATTER_KEYS]
    lines = ["---", *front, "---", "", f"# {record['title']}", ""]
    for paragraph in (record["text"] or "").splitlines():
        if paragraph.strip():
            lines += ["\\" + paragraph if _MARKDOWN_START.match(paragraph) else paragraph, ""]
    if record["images"]:
        lines += ["## 图片", ""]
        for image in record["images"]:
            caption = (image["caption"] or "").replace("]", "\\]")
            lines += [f"![{caption}]({image['src']})", ""]
            if caption:
                lines += [f"*{caption}*", ""]
    lines += [f"原文: <{record['url']}>  ", f"存档: {record['captured']}", ""]
    return "\n".join(lines)


def export_markdown(db: Database, out_dir: Path, *, show_progress: bool = False) -> int:
    """Write one ``.md`` file per article into ``out_dir`` (created if needed); return how many."""
    out_dir.mkdir(parents=True, exist_ok=True)
    records = iter_article_records(db)
    names = unique_names([record["url"] for record in records])
    for record in tqdm(records, desc="markdown", unit="article", file=sys.stderr, disable=not show_progress):
        (out_dir / names[record["url"]]).write_text(render_markdown(record), encoding="utf-8")
    return len(records)
