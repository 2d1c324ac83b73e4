"""A second site is one new module: crawl the site model under a toy site definition (tests/toy_site.py)."""

from __future__ import annotations

import json
from pathlib import Path

from archive.sites import get_site
from archive.warc.reader import iter_records
from tests.conftest import LOOPBACK_SETTINGS, cli
from tests.toy_site import SITE as TOY


def test_a_site_can_be_named_by_module_path() -> None:
    assert get_site("tests.toy_site:SITE") is TOY


def test_crawl_under_a_second_site_definition(tmp_path: Path, site_model) -> None:
    collection = tmp_path / "toy"
    settings = [arg for setting in LOOPBACK_SETTINGS for arg in ("-s", setting)]
    result = cli(
        "crawl",
        "--collection",
        str(collection),
        "--proxy",
        site_model.proxy_url,
        "--max-pages",
        "15",
        "-s",
        "ARCHIVE_SITE=tests.toy_site:SITE",
        *settings,
    )
    warcs = sorted((collection / "archive").glob("*.warc.gz"))
    assert warcs and all(path.name.startswith(f"{TOY.warc_prefix}-") for path in warcs), result.stdout
    agents, uris = set(), []
    for path in warcs:
        for _, record in iter_records(path):
            if record.rec_type == "request":
                agents.add(record.http_headers.get_header("User-Agent"))
            if record.rec_type == "response":
                uris.append(record.rec_headers.get_header("WARC-Target-URI"))
            if record.rec_type == "warcinfo":
                info = record.content_stream().read().decode("utf-8")
                assert "toysite" in info or json.dumps("toysite") in info
    assert agents == {TOY.user_agent}
    # The toy site's own start URL (not the default site's https home page) began the crawl.
    assert TOY.start_urls[0] in uris
    assert not any(uri.startswith("https://") for uri in uris)
