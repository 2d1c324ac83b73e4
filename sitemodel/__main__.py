"""``python -m sitemodel``: serve the site model until interrupted, for the demo and for poking with curl."""

from __future__ import annotations

import argparse
import threading

from sitemodel.server import start_site_model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sitemodel", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--version", type=int, default=1, choices=(1, 2), help="site version to serve")
    parser.add_argument("--slow", type=float, default=1.5, help="delay of the slow page, seconds")
    args = parser.parse_args(argv)
    model = start_site_model(args.host, args.port, version=args.version, slow_seconds=args.slow)
    print(model.proxy_url, flush=True)
    print(f"# e.g. http_proxy={model.proxy_url} curl {model.origin}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        model.close()


if __name__ == "__main__":
    main()
