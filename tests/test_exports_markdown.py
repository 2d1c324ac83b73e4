"""`export markdown`: one file per article; parse each front matter back and compare with the database."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from archive.db.schema import open_archive
from cli.commands.export import export
from exports.markdown import FRONT_MATTER_KEYS, render_markdown, unique_names
from tests.conftest import ORIGIN, SEED_URL, CrawledCollection


def split_front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def test_markdown_round_trips_against_the_database(crawled: CrawledCollection, tmp_path: Path) -> None:
    out = tmp_path / "md"
    result = CliRunner().invoke(export, ["markdown", str(crawled.db_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.md"))
    db = open_archive(crawled.db_path, readonly=True)
    expected = db.execute(
        "SELECT count(DISTINCT url) FROM articles WHERE status = 'ok' AND title <> '' AND text <> ''"
    ).fetchone()[0]
    assert len(files) == expected >= 40
    by_url = {}
    for path in files:
        front, body = split_front_matter(path.read_text(encoding="utf-8"))
        assert tuple(front) == FRONT_MATTER_KEYS
        by_url[front["url"]] = (front, body, path)
        title, published, section, text = db.execute(
            """SELECT a.title, a.published, a.section, a.text FROM articles a
               JOIN captures c ON c.record_id = a.capture_id
               WHERE a.url = ? AND a.status = 'ok' ORDER BY c.fetched_at DESC LIMIT 1""",
            [front["url"]],
        ).fetchone()
        assert (front["title"], front["published"], front["section"]) == (title, published, section)
        assert f"# {title}\n" in body
        for paragraph in text.splitlines():
            assert paragraph.strip().lstrip("\\") in body
    front, body, path = by_url[SEED_URL]
    assert path.name == "show-case-1616.md"
    assert front["breadcrumb"] == ["首页", "示范创建"] and front["published"] == "2018-05-18"
    assert len(front["images"]) == 2
    for image in front["images"]:
        assert f"]({image['src']})" in body  # each image linked as a Markdown image
    assert "海西州被国家民委命名" in body


def test_file_names_are_readable_and_unique() -> None:
    names = unique_names(
        [
            SEED_URL,
            ORIGIN + "/%E4%B8%93%E9%A2%98/%E6%B0%91%E6%97%8F%E5%9B%A2%E7%BB%93%E8%BF%9B%E6%AD%A5.html",
            ORIGIN + "/a/b.html",
            ORIGIN + "/a_b.html",
            ORIGIN + "/",
        ]
    )
    assert names[SEED_URL] == "show-case-1616.md"
    assert names[
        ORIGIN + "/%E4%B8%93%E9%A2%98/%E6%B0%91%E6%97%8F%E5%9B%A2%E7%BB%93%E8%BF%9B%E6%AD%A5.html"
    ] == ("专题_民族团结进步.md")
    assert names[ORIGIN + "/a/b.html"] != names[ORIGIN + "/a_b.html"]
    assert names[ORIGIN + "/"] == "index.md"
    assert len(set(names.values())) == len(names)


def test_markdown_syntax_in_text_is_escaped() -> None:
    record = {
        "url": SEED_URL,
        "title": '标题: 引号"和冒号',
        "published": None,
        "section": None,
        "breadcrumb": [],
        "author": None,
        "captured": "2024-01-01T00:00:00Z",
        "images": [],
        "text": "# 不是标题\n- 不是列表\n正文",
    }
    front, body = split_front_matter(render_markdown(record))
    assert front["title"] == '标题: 引号"和冒号' and front["published"] is None
    assert "\n\\# 不是标题\n" in body and "\n\\- 不是列表\n" in body
