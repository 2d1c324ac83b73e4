"""``python -m sitemodel``: serve the site model until interrupted, or print what a version serves.

With ``--manifest`` it prints the JSON of ``sitemodel.manifest`` and exits; otherwise the first line it
prints is the proxy URL (http_proxy for http and, through CONNECT, for https), the next says where the CA
certificate is for clients that verify it.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading

from sitemodel.manifest import build_manifest
from sitemodel.model import LISTING_SIZE
from sitemodel.server import start_site_model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sitemodel", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--version", type=int, default=1, choices=(1, 2), help="site version to serve")
    parser.add_argument("--articles", type=int, default=40, help="how many articles the site holds")
    parser.add_argument(
        "--per-page", type=int, default=LISTING_SIZE, help="articles a listing page shows (the real site: 20)"
    )
    parser.add_argument("--slow", type=float, default=1.5, help="delay of the slow page, seconds")
    parser.add_argument("--manifest", action="store_true", help="print what the version serves as JSON, exit")
    parser.add_argument(
        "--sitemap", action=argparse.BooleanOptionalAction, default=False, help="serve a sitemap index"
    )
    parser.add_argument(
        "--refused-image",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="answer 403 for one article image",
    )
    parser.add_argument(
        "--http-links",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="put a few absolute http:// links in pages",
    )
    parser.add_argument("--no-https", action="store_true", help="refuse CONNECT (serve http only)")
    args = parser.parse_args(argv)
    try:
        if args.manifest:
            manifest = build_manifest(args.articles, args.version, refused_image=args.refused_image)
            json.dump(manifest, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
            return
        model = start_site_model(
            args.host,
            args.port,
            version=args.version,
            slow_seconds=args.slow,
            articles=args.articles,
            https=not args.no_https,
            sitemap=args.sitemap,
            refused_image=args.refused_image,
            http_links=args.http_links,
            per_page=args.per_page,
            keep_log=False,  # nobody reads the request log of a separate process
        )
    except ValueError as error:
        parser.error(str(error))
    print(model.proxy_url, flush=True)
    if model.ca_path:
        print(f"# CA certificate: {model.ca_path}", flush=True)
    print(f"# e.g. https_proxy={model.proxy_url} curl --cacert CA {model.https_origin}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        model.close()


if __name__ == "__main__":
    main()
