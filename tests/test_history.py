"""`history`: two crawls of the site model (version 1, then version 2 with one article edited) into one
collection, and the captures and diffs the archive reports for the URLs that changed and those that did not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from archive.db.article_rows import write_extraction
from archive.db.history import url_history
from archive.db.schema import open_archive
from archive.extract.result import Extraction
from cli.commands.history import history
from sitemodel.content import build_site
from sitemodel.server import SiteModel, start_site_model
from tests.conftest import LOOPBACK_SETTINGS, ORIGIN, SEED_URL, cli

SITE_V2 = build_site(2)
EDITED_URL = ORIGIN + next(a.path for a in SITE_V2.articles if a.updated)
REMOVED_URL = ORIGIN + SITE_V2.removed_paths[0]
CORRECTION = "(本文于2025年1月更新"


def crawl_into(collection: Path, model: SiteModel, *extra: str) -> None:
    settings = [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    cli(
        "crawl",
        "--collection",
        str(collection),
        "--proxy",
        model.proxy_url,
        "--start-url",
        ORIGIN + "/",
        "--start-url",
        SEED_URL,
        *settings,
        *extra,
    )


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory: pytest.TempPathFactory, site_model: SiteModel) -> Path:
    """A collection crawled from version 1 of the site, then again from version 2 when (by the revisit
    schedule's calendar) every archived page is due again."""
    collection = tmp_path_factory.mktemp("recrawled")
    crawl_into(collection, site_model)
    later = (dt.date.today() + dt.timedelta(days=100)).isoformat()
    with start_site_model(version=2) as model_v2:
        crawl_into(collection, model_v2, "--as-of", later)
    return collection / "archive.db"


def run_history(db_path: Path, url: str, *extra: str) -> str:
    result = CliRunner().invoke(history, [str(db_path), url, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_edited_article_shows_a_diff(recrawled: Path) -> None:
    found = json.loads(run_history(recrawled, EDITED_URL, "--json"))
    assert found["url"] == EDITED_URL and found["versions"] == 2
    first, second = found["captures"]
    assert first["fetched_at"] < second["fetched_at"]
    assert (first["change"], second["change"]) == ("first", "changed")
    assert first["diff"] is None and first["http_status"] == 200
    added = [
        line for line in second["diff"].splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert len(added) == 1 and added[0].startswith("+" + CORRECTION)
    assert not [
        line for line in second["diff"].splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    assert second["text_chars"] > first["text_chars"]


def test_text_output_has_unified_diff(recrawled: Path) -> None:
    out = run_history(recrawled, EDITED_URL)
    assert "2 captures, 2 versions of the text" in out
    assert f"--- {EDITED_URL} @ " in out and f"+++ {EDITED_URL} @ " in out and "@@ " in out
    assert CORRECTION in out


def test_unchanged_article_has_one_version(recrawled: Path) -> None:
    found = url_history(open_archive(recrawled, readonly=True), SEED_URL)
    assert found is not None and found["versions"] == 1
    changes = [capture["change"] for capture in found["captures"]]
    assert changes == ["first", "unchanged"]
    # The second crawl asked "changed since?": a revisit borrows the text of the capture it refers to.
    assert found["captures"][1]["title"] == found["captures"][0]["title"]


def test_removed_article_shows_the_gone_capture(recrawled: Path) -> None:
    found = json.loads(run_history(recrawled, REMOVED_URL, "--json"))
    assert [c["http_status"] for c in found["captures"]] == [200, 410]
    assert [c["change"] for c in found["captures"]] == ["first", "no text"]


def test_show_names_the_history_command(recrawled: Path) -> None:
    out = cli("show", str(recrawled), EDITED_URL).stdout
    assert f"2 captures: minzu-archive history {recrawled} {EDITED_URL}" in out
    assert CORRECTION in out  # show prints the newest text


def test_unknown_url_is_an_error(recrawled: Path) -> None:
    result = CliRunner().invoke(history, [str(recrawled), ORIGIN + "/nowhere.html"])
    assert result.exit_code != 0 and "not in the archive" in result.output


def add_capture(db: Database, n: int, url: str, text: str | None, **columns: object) -> None:
    row = {
        "record_id": f"<urn:test:{n}>",
        "url": url,
        "fetched_at": f"2024-0{n}-01T00:00:00Z",
        "record_type": "response",
        "status": 200,
        "payload_digest": f"sha1:{text}",
        "warc_filename": "t.warc.gz",
        "warc_offset": n,
        **columns,
    }
    with db.atomic():
        db["captures"].insert(row)
        if text is not None and row["record_type"] != "revisit":
            write_extraction(
                db, row["record_id"], Extraction(url=url, title="题", paragraphs=text.split("/"))
            )


def test_reverted_edit_counts_as_a_version_and_revisits_borrow_by_digest(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "h.db")
    url = "https://www.56-china.com.cn/show-case-1.html"
    add_capture(db, 1, url, "甲/乙")
    add_capture(db, 2, url, "甲/丙")
    add_capture(db, 3, url, "甲/乙", record_type="revisit")  # same payload as capture 1, no refers_to
    add_capture(db, 4, url, None, status=500)
    found = url_history(db, url)
    assert [c["change"] for c in found["captures"]] == ["first", "changed", "changed", "no text"]
    assert found["versions"] == 3
    assert "-丙" in found["captures"][2]["diff"] and "+乙" in found["captures"][2]["diff"]
