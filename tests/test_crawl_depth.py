"""Pagination depth: listing pages that lie more hops from the home page than a small depth limit
allows are archived like any other, with every article, because the crawl counts no hops (traps are
recognised instead).

The model's listings show one article a page here (the real site shows 20), so that a site of a few
hundred articles has channels whose pagination is as long as the real site's: the middle pages of the
largest channel lie up to fourteen links from the home page however a crawler walks (a pager shows ten
numbers, 首页 and 尾页). A crawl with the ``DEPTH_LIMIT = 8`` this project once had would have left them
out without a word.
"""

from __future__ import annotations

import json
import sqlite3
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from sitemodel.content import build_site
from sitemodel.manifest import build_manifest
from sitemodel.model import HOST
from sitemodel.routes import Router
from sitemodel.server import start_site_model
from tests.conftest import HTTPS_ORIGIN, LOOPBACK_SETTINGS, cli

pytestmark = pytest.mark.e2e

ARTICLES = 300
PER_PAGE = 1
OLD_DEPTH_LIMIT = 8


def shortest_hops(router: Router) -> dict[str, int]:
    """Every page path linked in the site, with the fewest links a crawler must follow from the home
    page to reach it (any HTML page may be followed: listings, articles and their related links)."""
    hops = {"/": 0}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        reply = router.route(path, "", HTTPS_ORIGIN)
        if reply.status != 200 or b"<html" not in reply.body[:2000].lower():
            continue
        for href in lxml.html.fromstring(reply.body).xpath("//a/@href"):
            target = urlsplit(urljoin(HTTPS_ORIGIN + path, href))
            if target.hostname == HOST and target.path.endswith(".html") and target.path not in hops:
                hops[target.path] = hops[path] + 1
                queue.append(target.path)
    return hops


def test_listing_pages_beyond_any_small_hop_limit_are_archived(tmp_path: Path) -> None:
    manifest = build_manifest(ARTICLES)
    article_paths = {urlsplit(row["url"]).path for row in manifest["articles"]}
    site = build_site(1, ARTICLES, per_page=PER_PAGE)
    hops = shortest_hops(Router(site, slow_seconds=0))
    deep = {path for path in site.listing_paths() if hops[path] > OLD_DEPTH_LIMIT}
    assert len(deep) >= 20, "the model no longer has deep listing pages: this test proves nothing"

    collection = tmp_path / "deep"
    settings = [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    with start_site_model(articles=ARTICLES, per_page=PER_PAGE, slow_seconds=0, keep_log=False) as model:
        output = cli(
            "crawl", "--collection", str(collection), "--proxy", model.proxy_url,
            "--start-url", HTTPS_ORIGIN + "/", *settings,
        )  # fmt: skip
    # The model refuses one image (403): the summary's completeness line says so, and nothing else lacks.
    assert "INCOMPLETE: 0 articles and 1 image missing" in output.stdout

    conn = sqlite3.connect(collection / "archive.db")
    archived = {urlsplit(url).path for (url,) in conn.execute("SELECT url FROM articles WHERE status = 'ok'")}
    fetched = {urlsplit(url).path for (url,) in conn.execute("SELECT url FROM captures WHERE status = 200")}
    (stats_json,) = conn.execute("SELECT stats FROM crawl_runs").fetchone()
    conn.close()
    assert deep <= fetched, sorted(deep - fetched)[:5]
    assert article_paths <= archived, sorted(article_paths - archived)[:5]
    assert json.loads(stats_json)["stats"]["request_depth_max"] > OLD_DEPTH_LIMIT

    answer = cli("report", str(collection), "--json", check=False)
    assert answer.returncode == 3  # something is missing: the refused image
    report = json.loads(answer.stdout)
    assert report["articles_missing"] == [] and report["articles_archived"] >= ARTICLES
    assert [image["url"] for image in report["images_missing"]] == manifest["refused_images"]
