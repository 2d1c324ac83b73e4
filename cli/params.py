"""Parameter types that check input before any work starts: a refused command creates nothing.

Each type turns bad input into a usage error (exit status 2) naming the option and what it expects.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

WEB_SCHEMES = ("http", "https")
# A host name: labels of letters (any script, so 中国.cn passes), digits and hyphens, separated by dots.
_HOST_NAME = re.compile(r"^(?:[^\W_](?:[\w-]*[^\W_])?\.)*[^\W_](?:[\w-]*[^\W_])?\.?$")
# Characters that never stand unescaped in a URL someone meant (RFC 3986 excludes them; a space is the
# usual sign of two arguments run together).
_NEVER_IN_URL = re.compile(r"[\s<>\"{}|\\^`]")


def web_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be crawled (not http(s), no host, malformed), or None when it can."""
    if _NEVER_IN_URL.search(url):
        return "is not a URL (it holds a space or a character that cannot stand in one)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        return f"does not parse as a URL ({error})"
    if parts.scheme.lower() not in WEB_SCHEMES:
        return (
            "is not an http:// or https:// URL" if parts.scheme else "is not a URL (no http:// or https://)"
        )
    host = parts.hostname or ""
    if not host:
        return "has no host name"
    if not (_is_ip_address(host) or _HOST_NAME.match(host)):
        return f"has an invalid host name {host!r}"
    return None


def _is_ip_address(host: str) -> bool:
    import ipaddress  # here: only the commands that take a URL or host name check one

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class WebUrl(click.ParamType):
    """An absolute http(s) URL with a valid host (what a crawl can start from)."""

    name = "URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        url = str(value).strip()
        problem = web_url_problem(url)
        if problem:
            self.fail(f"{url!r} {problem}", param, ctx)
        return url


class DomainName(click.ParamType):
    """A host name such as ``56-china.com.cn``, optionally with a port (a URL given here is a common
    slip: say so)."""

    name = "DOMAIN"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        domain = str(value).strip().lower()
        if "://" in domain or "/" in domain:
            self.fail(
                f"{value!r} is a URL; give the host name only, e.g. {urlsplit(domain).hostname}", param, ctx
            )
        host, _, port = domain.rpartition(":") if domain.count(":") == 1 else (domain, "", "")
        if not (_is_ip_address(host) or _HOST_NAME.match(host)) or (port and not port.isdigit()):
            self.fail(f"{value!r} is not a host name", param, ctx)
        return domain


class PublishedDate(click.ParamType):
    """A calendar date or a prefix of one: YYYY, YYYY-MM or YYYY-MM-DD (what ``published`` is compared to)."""

    name = "DATE"
    FORMATS = ("%Y-%m-%d", "%Y-%m", "%Y")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import datetime as dt  # here: only a command given a date parses one

        text = str(value).strip()
        for fmt in self.FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
            return parsed.strftime(fmt)  # 2018-5-1 becomes 2018-05-01, as published dates are written
        self.fail(f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", param, ctx)


class OutputFile(click.ParamType):
    """A file to write: its folder must exist, and it must not be a folder itself."""

    name = "FILE"

    def __init__(self, suffix: str | None = None) -> None:
        self.suffix = suffix

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if path.is_dir():
            self.fail(f"{str(path)!r} is a folder; give a file name", param, ctx)
        if not path.parent.is_dir():
            self.fail(f"folder {str(path.parent)!r} does not exist", param, ctx)
        if self.suffix and not path.name.endswith(self.suffix):
            self.fail(f"{str(path)!r} must end with {self.suffix}", param, ctx)
        return path


class CollectionFolder(click.ParamType):
    """A collection folder: it may not exist yet, but it must not be a file, and its parent must be a
    folder (a typo in the parent would otherwise create a tree of folders)."""

    name = "DIR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if path.exists() and not path.is_dir():
            self.fail(f"{str(path)!r} is a file, not a collection folder", param, ctx)
        ancestor = next((p for p in path.absolute().parents if p.exists()), None)
        if ancestor is not None and not ancestor.is_dir():
            self.fail(f"{str(ancestor)!r} is a file, not a folder", param, ctx)
        return path


POSITIVE = click.IntRange(min=1)
