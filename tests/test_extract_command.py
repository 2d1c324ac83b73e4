"""`minzu-archive extract FILE`: the ingest extraction on one saved page, with each field's rule.

Tested through click's CliRunner until the lead registers the command in cli/main.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.commands.extract import extract

PROSE = "这是一段用于测试的正文内容，讲述了地方经济发展和民族团结进步的具体做法。" * 3
PAGE = (
    "<html><head><meta charset='gb2312'><title>测试标题_某某网</title></head><body>"
    "<h1>测试标题</h1><div>来源:某报 作者:张三 发布时间:2021-03-04 08:30</div>"
    f"<div class='c'><p>{PROSE}</p><p><img src='/p.jpg' alt='p.jpg'></p><p>县城一角 李四/摄</p><p>{PROSE}</p></div>"
    "<div class='foot'><p>版权所有 某某网</p></div></body></html>"
)


def _saved(tmp_path: Path) -> Path:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("gbk"))  # raw bytes in the page's own charset
    return path


def test_json_report_has_every_field_and_its_rule(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        extract, [str(_saved(tmp_path)), "--url", "http://example.cn/a.html", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["article_status"] == "ok"
    assert report["title"] == "测试标题"
    assert report["published"] == "2021-03-04T08:30"  # time of day kept
    assert (report["author"], report["source"]) == ("张三", "某报")
    assert report["rules"]["published"] == "text:发布时间"
    assert report["rules"]["author"] == "byline:作者"
    assert report["images"] == [{"src": "http://example.cn/p.jpg", "caption": "县城一角 李四/摄"}]
    assert {"kind": "copyright", "text": "版权所有 某某网"} in report["boilerplate"]
    assert report["text"] == f"{PROSE}\n{PROSE}"


def test_text_report_names_the_rules(tmp_path: Path) -> None:
    result = CliRunner().invoke(extract, [str(_saved(tmp_path)), "--url", "http://example.cn/a.html"])
    assert result.exit_code == 0, result.output
    assert "published: 2021-03-04T08:30  [text:发布时间]" in result.output
    assert "[copyright] 版权所有 某某网" in result.output


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(extract, [str(tmp_path / "none.html")])
    assert result.exit_code == 2
