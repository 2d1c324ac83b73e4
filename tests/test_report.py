"""Completeness report: counted against what the site model serves, and against copies of the crawled archive
with known damage (an image's captures deleted, an article never fetched, a redirect, a removed page...)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archive.db.completeness import CompletenessReport, completeness_line, completeness_report
from archive.db.record_rows import url_key
from archive.db.schema import open_archive, open_for_reading
from sitemodel.content import build_site
from tests.conftest import ORIGIN, SEED_URL, CrawledCollection, cli

pytestmark = pytest.mark.e2e

SITE = build_site()
MODEL_IMAGES = sorted({ORIGIN + src for article in SITE.articles for src in article.image_paths})
DEAD_LINK = ORIGIN + SITE.trouble.dead_link_path
REFUSED_IMAGES = sorted(ORIGIN + path for path in SITE.refused_images)  # the model answers these 403


def _report(collection: Path) -> CompletenessReport:
    db = open_for_reading(collection / "archive.db")
    try:
        return completeness_report(db, warc_dir=collection / "archive")
    finally:
        db.close()


@pytest.fixture(scope="module")
def whole(crawled: CrawledCollection) -> CompletenessReport:
    return _report(crawled.path)


def test_the_crawled_model_is_complete_but_for_the_image_it_refuses(whole: CompletenessReport) -> None:
    assert REFUSED_IMAGES and set(REFUSED_IMAGES) <= set(MODEL_IMAGES)
    assert whole.articles_archived == len(SITE.articles) == 40
    # Found: the 40 articles and the dead link some article carries (answered 404: gone, not missing).
    assert whole.articles_found == len(SITE.articles) + 1
    assert [(gone.url, gone.status, gone.archived_before) for gone in whole.articles_gone] == [
        (DEAD_LINK, 404, False)
    ]
    assert whole.articles_missing == ()
    assert [(image.url, image.reason) for image in whole.images_missing] == [
        (url, "HTTP 403") for url in REFUSED_IMAGES
    ]
    assert whole.images_referenced == len(MODEL_IMAGES)
    assert whole.images_captured == len(MODEL_IMAGES) - len(REFUSED_IMAGES)
    assert not whole.complete
    assert completeness_line(whole).startswith("INCOMPLETE")


def test_sections_years_and_statuses_match_the_model(
    whole: CompletenessReport, crawled: CrawledCollection
) -> None:
    assert whole.section_counts == dict(sorted(Counter(a.channel.name for a in SITE.articles).items()))
    assert whole.year_counts == dict(sorted(Counter(a.date[:4] for a in SITE.articles).items()))
    with sqlite3.connect(crawled.db_path) as conn:
        urls = conn.execute("SELECT count(DISTINCT url_key) FROM captures").fetchone()[0]
        captures = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    assert sum(whole.status_counts.values()) == urls
    # The flaky article answered 500 first, then 200 on retry: its newest status is 200.
    assert "500" not in whole.status_counts and whole.status_counts["404"] == 1
    assert sum(whole.captures_per_day.values()) == captures
    (run,) = whole.runs
    assert run.finish_reason == "finished" and run.captures == captures
    assert run.warc_bytes == sum(path.stat().st_size for path in crawled.warc_files)


@dataclass
class Damaged:
    path: Path
    removed_image: str  # all its captures deleted
    image_article: str  # an article that shows it
    removed_article: str  # all its captures deleted: linked, never fetched
    removed_article_images: int
    stale_article: str  # a newer 500 answer after its ok capture
    gone_article: str  # a newer 410 answer after its ok capture
    redirecting: str  # a 301 to the seed article
    https_article: str  # captured as https://, linked as http://


def _copy_capture(conn: sqlite3.Connection, model: str, **changes: object) -> None:
    """A new capture row modelled on the newest one of ``model``, fetched later, with ``changes``."""
    conn.row_factory = sqlite3.Row
    row = dict(
        conn.execute("SELECT * FROM captures WHERE url = ? ORDER BY fetched_at DESC", [model]).fetchone()
    )
    record_id = f"<urn:uuid:test-{changes['status']}-{model}>"
    row.update(record_id=record_id, fetched_at="2099-01-01T00:00:00Z", **changes)
    columns = ", ".join(row)
    conn.execute(
        f"INSERT INTO captures ({columns}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
    )


def _add_link(conn: sqlite3.Connection, url: str) -> None:
    """A link to ``url`` on the home page's capture."""
    home = conn.execute(
        "SELECT a.capture_id FROM articles a WHERE a.url = ? ORDER BY a.capture_id", [ORIGIN + "/"]
    ).fetchone()[0]
    position = conn.execute("SELECT max(position) + 1 FROM links WHERE capture_id = ?", [home]).fetchone()[0]
    conn.execute(
        "INSERT INTO links (capture_id, position, url, text, rel) VALUES (?, ?, ?, '', 'page')",
        [home, position, url],
    )


@pytest.fixture(scope="module")
def damaged(crawled: CrawledCollection, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Damaged]:
    path = tmp_path_factory.mktemp("damaged")
    shutil.copy(crawled.db_path, path / "archive.db")
    (path / "archive").symlink_to(crawled.path / "archive")  # read only: robots.txt comes from here
    seed = SITE.article_by_path(SEED_URL.removeprefix(ORIGIN))
    refusing = SITE.trouble.refusing_article_id  # its refused image is missing already: leave it out
    others = [a for a in SITE.articles if a.id not in (seed.id, refusing) and a.image_paths]
    image_article, removed, stale, gone, https_one = others[:5]
    removed_image = ORIGIN + image_article.image_paths[0]
    with sqlite3.connect(path / "archive.db") as conn:
        for url in (removed_image, removed.url):
            ids = [row[0] for row in conn.execute("SELECT record_id FROM captures WHERE url = ?", [url])]
            for table, column in (
                ("images", "capture_id"),
                ("links", "capture_id"),
                ("articles", "capture_id"),
            ):
                conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", [[i] for i in ids])
            conn.execute("DELETE FROM captures WHERE url = ?", [url])
        _copy_capture(conn, stale.url, status=500, reason="Internal Server Error")
        _copy_capture(conn, gone.url, status=410, reason="Gone")
        redirecting = ORIGIN + "/show-case-77777.html"
        _copy_capture(
            conn, SEED_URL, url=redirecting, url_key=url_key(redirecting), status=301, location=SEED_URL
        )
        conn.execute(
            "UPDATE captures SET url = replace(url, 'http://', 'https://') WHERE url = ?", [https_one.url]
        )
        conn.execute(
            "UPDATE articles SET url = replace(url, 'http://', 'https://') WHERE url = ?", [https_one.url]
        )
        _add_link(conn, redirecting)
        # Variants of pages already found: scheme, percent-encoding, case of the escapes.
        _add_link(conn, SEED_URL.replace("http://", "https://"))
        _add_link(conn, ORIGIN + "/show-case-%31%36%31%36.html")
        # Not missing: another host's article, and an article path robots.txt disallows (/admin/).
        _add_link(conn, "http://www.example.org/show-case-1.html")
        _add_link(conn, ORIGIN + SITE.trouble.disallowed_path + "show-case-5.html")
    conn.close()
    yield Damaged(
        path,
        removed_image,
        image_article.url,
        removed.url,
        len(removed.image_paths),
        stale.url,
        gone.url,
        redirecting,
        https_one.url.replace("http://", "https://"),
    )


@pytest.fixture(scope="module")
def damaged_report(damaged: Damaged) -> CompletenessReport:
    return _report(damaged.path)


def test_a_never_fetched_article_is_missing_with_where_it_is_linked(
    damaged: Damaged, damaged_report: CompletenessReport
) -> None:
    (missing,) = damaged_report.articles_missing
    assert (missing.url, missing.reason) == (damaged.removed_article, "not fetched")
    assert missing.linked_from is not None and missing.linked_from.startswith(ORIGIN)


def test_an_image_without_captures_is_missing_with_its_article(
    damaged: Damaged, damaged_report: CompletenessReport
) -> None:
    (missing,) = [image for image in damaged_report.images_missing if image.url not in REFUSED_IMAGES]
    assert (missing.url, missing.article, missing.reason) == (
        damaged.removed_image,
        damaged.image_article,
        "not fetched",
    )
    # The never-fetched article's images are referenced by no archived article any more; the images of the
    # article the site removed still are (its archived copy shows them).
    assert damaged_report.images_referenced == len(MODEL_IMAGES) - damaged.removed_article_images
    assert damaged_report.images_captured == damaged_report.images_referenced - 1 - len(REFUSED_IMAGES)


def test_gone_stale_redirected_and_variant_urls_are_not_missing(
    damaged: Damaged, damaged_report: CompletenessReport
) -> None:
    report = damaged_report
    assert [(g.url, g.status, g.archived_before) for g in report.articles_gone] == sorted(
        [(damaged.gone_article, 410, True), (DEAD_LINK, 404, False)]
    )
    assert [(s.url, s.reason) for s in report.articles_stale] == [
        (damaged.stale_article, "newest fetch answered HTTP 500")
    ]
    assert report.articles_via_redirect == 1
    # 40 model articles - the removed one - the gone one + the redirect; the https capture counts once.
    assert report.articles_archived == 40 - 1 - 1 + 1
    assert report.articles_excluded == (ORIGIN + "/admin/show-case-5.html",)
    assert report.articles_out_of_scope == 1
    # 40 articles, the dead link, the redirect and the excluded one: no variant counted twice.
    assert report.articles_found == 40 + 1 + 1 + 1
    assert report.articles_found == (
        report.articles_archived + len(report.articles_missing) + len(report.articles_gone) + 1
    )
    assert "archived robots.txt of 1 host" in report.robots
    assert not report.complete


def test_completeness_line_names_what_is_missing(damaged_report: CompletenessReport) -> None:
    assert completeness_line(damaged_report) == (
        "INCOMPLETE: 1 article and 2 images missing (39/40 articles, "
        f"{damaged_report.images_captured}/{damaged_report.images_referenced} images; see report --json / --html); "
        "2 gone (404/410), 1 excluded by robots.txt, 1 out of scope"
    )


def test_exit_status_and_json_of_the_command(
    crawled: CrawledCollection, damaged: Damaged, tmp_path: Path
) -> None:
    refused = cli("report", str(crawled.path), check=False)
    assert refused.returncode == 3
    assert refused.stdout.startswith("INCOMPLETE: 0 articles and 1 image missing")
    assert all(url in refused.stdout for url in REFUSED_IMAGES)
    # The same archive, had no page referenced the refused image: complete, exit 0.
    (tmp_path / "archive").symlink_to(crawled.path / "archive")
    shutil.copy(crawled.db_path, tmp_path / "archive.db")
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        conn.executemany("DELETE FROM images WHERE src = ?", [[url] for url in REFUSED_IMAGES])
    conn.close()
    complete = cli("report", str(tmp_path))
    assert complete.returncode == 0
    assert complete.stdout.splitlines()[0].startswith("complete: 40/40 articles")
    incomplete = cli("report", str(damaged.path), "--json", check=False)
    assert incomplete.returncode == 3, incomplete.stderr
    data = json.loads(incomplete.stdout)
    assert data["articles_missing"] == [damaged.removed_article]
    assert {image["url"] for image in data["images_missing"]} == {damaged.removed_image, *REFUSED_IMAGES}
    assert data["articles_missing_detail"][0]["reason"] == "not fetched"
    assert {"articles_found", "articles_archived", "images_referenced", "images_captured"} <= data.keys()
    human = cli("report", str(damaged.path / "archive.db"), check=False)
    assert human.returncode == 3
    assert human.stdout.startswith("INCOMPLETE: 1 article and 2 images missing")
    assert damaged.removed_image in human.stdout


def test_a_folder_without_an_archive_is_a_clear_error(tmp_path: Path) -> None:
    result = cli("report", str(tmp_path), check=False)
    assert result.returncode == 1
    assert "is not a collection" in result.stderr


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained(damaged: Damaged, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = cli("report", str(damaged.path), "--html", str(out), check=False)
    assert result.returncode == 3
    page = out.read_text(encoding="utf-8")
    parser = _Elements()
    parser.feed(page)
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            assert not (value or "").lower().startswith(("http:", "https:", "//")), (tag, name, value)
        assert tag != "link" and tag != "img" and tag != "iframe"
        if tag == "script":
            assert attrs == {"type": "application/json", "id": "completeness-json"}
    text = "".join(parser.text)
    assert damaged.removed_image in text and damaged.removed_article in text
    assert "示范创建" in text  # a section label of the chart
    assert sum(1 for tag, _ in parser.tags if tag == "svg") == 5
    embedded = page.split('id="completeness-json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded)["articles_missing"] == [damaged.removed_article]


def test_an_archive_without_articles_is_not_complete(tmp_path: Path) -> None:
    open_archive(tmp_path / "archive.db").close()
    empty = _report(tmp_path)
    assert (empty.articles_found, empty.complete) == (0, False)
    assert completeness_line(empty) == "INCOMPLETE: no article found in the archive"
    assert cli("report", str(tmp_path), check=False).returncode == 3


def test_without_the_warc_files_robots_txt_cannot_excuse_a_url(damaged: Damaged) -> None:
    db = open_for_reading(damaged.path / "archive.db")
    try:
        report = completeness_report(db)  # no WARC folder: the archived robots.txt cannot be read
    finally:
        db.close()
    assert report.articles_excluded == ()
    assert (ORIGIN + "/admin/show-case-5.html", "not fetched") in [
        (a.url, a.reason) for a in report.articles_missing
    ]
    assert report.robots == "not checked: no WARC folder given"
