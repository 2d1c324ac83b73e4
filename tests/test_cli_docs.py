"""The command-line reference in docs/ is the commands' own help, regenerated."""

from pathlib import Path

from cli.docs import render_cli_help

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_current(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert DOCS.read_text(encoding="utf-8") == render_cli_help(), "run: python -m cli.docs > docs/cli.md"


def test_every_command_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in (
        "demo",
        "crawl",
        "search",
        "show",
        "history",
        "extract",
        "serve",
        "export",
        "rebuild",
        "replay",
    ):
        assert f"## minzu-archive {name}" in text
