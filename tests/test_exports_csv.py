"""`export csv`: read the file back and compare it with the database; formula cells neutralised; progress."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db.schema import open_archive
from cli.commands.export import export
from exports.cells import safe_cell
from exports.csv import COLUMNS, export_articles_csv
from tests.conftest import SEED_URL, CrawledCollection
from tests.test_db_search import add_article


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_csv_round_trips_against_the_database(crawled: CrawledCollection, tmp_path: Path) -> None:
    result = CliRunner().invoke(export, ["csv", str(crawled.db_path)])
    assert result.exit_code == 0, result.output
    rows = read_csv(result.stdout)
    db = open_archive(crawled.db_path, readonly=True)
    expected = db.execute(
        "SELECT count(DISTINCT url) FROM articles WHERE status = 'ok' AND title <> '' AND text <> ''"
    ).fetchone()[0]
    assert len(rows) == expected >= 40
    assert [row["url"] for row in rows] == sorted(row["url"] for row in rows)  # stable order
    for row in rows:
        stored = db.execute(
            """SELECT a.title, a.published, a.section, a.text, c.fetched_at FROM articles a
               JOIN captures c ON c.record_id = a.capture_id
               WHERE a.url = ? AND a.status = 'ok' ORDER BY c.fetched_at DESC LIMIT 1""",
            [row["url"]],
        ).fetchone()
        assert (row["title"], row["published"], row["section"], row["text"], row["captured"]) == tuple(
            str(safe_cell(value)) for value in stored
        )
    seed = next(row for row in rows if row["url"] == SEED_URL)
    assert seed["breadcrumb"] == "首页 > 示范创建" and seed["published"] == "2018-05-18"
    assert len(seed["images"].splitlines()) == 2 and "\n" in seed["text"]

    out = tmp_path / "articles.csv"
    result = CliRunner().invoke(export, ["csv", str(crawled.db_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == CliRunner().invoke(export, ["csv", str(crawled.db_path)]).stdout


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    add_article(
        db, 1, "=cmd|' /C calc'!A0", ["+SUM(1,2)", "正文" * 60], section="@section", published="2020-01-01"
    )
    out = io.StringIO()
    assert export_articles_csv(db, out) == 1
    [row] = read_csv(out.getvalue())
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["section"] == "'@section" and row["text"].startswith("'+SUM")


def test_progress_bar_only_when_asked(crawled: CrawledCollection, capsys: pytest.CaptureFixture[str]) -> None:
    db = open_archive(crawled.db_path, readonly=True)
    export_articles_csv(db, io.StringIO(), show_progress=False)
    assert capsys.readouterr().err == ""
    export_articles_csv(db, io.StringIO(), show_progress=True)
    err = capsys.readouterr().err
    assert "csv" in err and "article" in err and "100%" in err


def test_formula_signs_hidden_behind_blanks_or_in_full_width_are_neutralised() -> None:
    risky = [
        " =1+1",
        "\u3000=1+1",
        '\u200b=HYPERLINK("x")',
        "\ufeff+1",
        "\u2060 @SUM(A1)",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(A1)",
        "|calc",
        "\t=1",
    ]
    for value in risky:
        assert safe_cell(value) == "'" + value, value
    for value in ("海西州", "1+1=2", "a-b", "  正文", "\u200b正文"):
        assert safe_cell(value) == value
    assert safe_cell(-3) == -3
