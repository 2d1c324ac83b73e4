"""The archive's articles as Markdown files, one per article, for reading or a static site.

Each file starts with YAML front matter (every value written as JSON, which YAML reads as is: no
escaping rules of our own) and then the title, the paragraphs and the article's images as Markdown
images linking to their original URLs. Articles and their order are those of the JSONL export.
File names come from the URL path (``show-case-1616.md``), made unique with a digest of the URL only
when two paths would collide, so an export is the same from one run to the next. A name is cut to fit
file systems' 255-byte limit (with the digest of the URL added, so it stays unique).

An export never replaces a file whose content differs without being asked to (``overwrite``), and
writes every file into a hidden folder inside the target first, moving them into place only once all
are written: a failure (a full disk, a file name refused) leaves the target folder as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from exports.jsonl import iter_article_records
from exports.progress import with_progress

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

FRONT_MATTER_KEYS = ("title", "url", "published", "section", "breadcrumb", "author", "captured", "images")
_UNSAFE = re.compile(r"[^\w\-.]+")
# Bytes of UTF-8 a file name's stem may take: file systems allow 255 bytes per name, and a digest and
# the suffix still have to fit (a Chinese character takes three bytes).
MAX_STEM_BYTES = 180
DIGEST_CHARS = 8


class MarkdownExportError(RuntimeError):
    """The export was refused or failed before changing the target folder; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _url_digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:DIGEST_CHARS]


def _fit(stem: str, url: str) -> str:
    """``stem`` cut to :data:`MAX_STEM_BYTES` of UTF-8 (on a character boundary) plus a digest of the
    URL when it had to be cut, so that two long URLs with a common start keep different names."""
    if len(stem.encode("utf-8")) <= MAX_STEM_BYTES:
        return stem
    cut = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", errors="ignore").rstrip("_.")
    return f"{cut}-{_url_digest(url)}"


# A paragraph starting like Markdown syntax (heading, quote, list, rule, numbered item) is escaped.
_MARKDOWN_START = re.compile(r"^(#|>|[-+*] |[-*_]{3}|\d+[.)] )")


def file_stem(url: str) -> str:
    """A readable, filesystem-safe name from the URL's path (Chinese kept, separators replaced)."""
    parts = urlsplit(url)
    path = unquote(parts.path).strip("/")
    path = re.sub(r"\.(s?html?|php|aspx?)$", "", path)
    stem = _UNSAFE.sub("_", path.replace("/", "_")).strip("_.")
    if parts.query:
        stem += "_" + _url_digest(parts.query)
    return _fit(stem or "index", url)


def unique_names(urls: list[str]) -> dict[str, str]:
    """URL -> file name; names that two URLs would share get a digest of the URL appended."""
    stems = {url: file_stem(url) for url in urls}
    counts: dict[str, int] = {}
    for stem in stems.values():
        counts[stem] = counts.get(stem, 0) + 1
    return {
        url: (stem if counts[stem] == 1 else f"{stem}-{_url_digest(url)}") + ".md"
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


def _differs(target: Path, text: str) -> bool:
    """Whether writing ``text`` to ``target`` would replace something else that is there."""
    if not target.exists():
        return False
    return not target.is_file() or target.read_bytes() != text.encode("utf-8")


def export_markdown(
    db: Database | sqlite3.Connection, out_dir: Path, *, overwrite: bool = False, show_progress: bool = False
) -> int:
    """Write one ``.md`` file per article into ``out_dir`` (created if needed); return how many.

    Raises :class:`MarkdownExportError`, with ``out_dir`` unchanged, when files there would be replaced
    by different content and ``overwrite`` is false.
    """
    records = iter_article_records(db)
    names = unique_names([record["url"] for record in records])
    if out_dir.is_dir() and not overwrite:
        conflicts = [
            names[record["url"]]
            for record in records
            if _differs(out_dir / names[record["url"]], render_markdown(record))
        ]
        if conflicts:
            raise MarkdownExportError(
                f"{len(conflicts)} file{'s' if len(conflicts) != 1 else ''} in {out_dir} would be replaced "
                "by different content "
                f"(e.g. {conflicts[0]})",
                "Add --overwrite to replace them, or export into another folder.",
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".markdown-export-", dir=out_dir))
    try:
        for record in with_progress(records, desc="markdown", unit="article", show=show_progress):
            (staging / names[record["url"]]).write_text(render_markdown(record), encoding="utf-8")
        for record in records:
            name = names[record["url"]]
            os.replace(staging / name, out_dir / name)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return len(records)
