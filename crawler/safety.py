"""Refuse requests to private, loopback and link-local addresses unless explicitly allowed.

A page on the open web can link to 192.168.x.x or to a host name that resolves to one; an archival crawler
must not be turned into a scanner of its own network. Hosts reached through a configured proxy are resolved
by the proxy, so only literal addresses are checked for them.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

logger = logging.getLogger(__name__)


def is_internal_address(address: str) -> bool:
    """True for addresses a public-web crawl has no business fetching."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # Anything not globally routable: private, loopback, link-local, shared address space (100.64/10, where
    # some clouds put their metadata service), reserved and unspecified ranges.
    return not ip.is_global or ip.is_multicast


def resolve_host(host: str) -> tuple[str, ...]:
    """Addresses of a host name; empty when it does not resolve (the download will then fail on its own).
    A failed lookup is not remembered, so a host that resolves later is still checked."""
    try:
        return _resolved(host)
    except (socket.gaierror, UnicodeError):
        return ()


@lru_cache(maxsize=4096)
def _resolved(host: str) -> tuple[str, ...]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return tuple(sorted({info[4][0] for info in infos}))


class AddressGuardMiddleware:
    """Downloader middleware: drops requests whose host is (or resolves to) an internal address."""

    def __init__(self, allowed: list[str], stats) -> None:
        try:
            self.allowed = {str(ipaddress.ip_address(a.strip())) for a in allowed}
        except ValueError as error:
            raise ValueError(f"ADDRESS_GUARD_ALLOWED takes IP addresses only: {error}") from None
        self.stats = stats
        self._reported: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        if not crawler.settings.getbool("ADDRESS_GUARD_ENABLED"):
            raise NotConfigured("ADDRESS_GUARD_ENABLED is off")
        return cls(crawler.settings.getlist("ADDRESS_GUARD_ALLOWED"), crawler.stats)

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        through_proxy = bool(request.meta.get("proxy"))
        addresses = (host,) if through_proxy or _is_literal(host) else resolve_host(host)
        refused = [a for a in addresses if is_internal_address(a) and a not in self.allowed]
        if refused:
            self.stats.inc_value("address_guard/refused")
            self._report(request.url, refused[0])
            raise IgnoreRequest(f"internal address {refused[0]} refused for {request.url}")

    def _report(self, url: str, address: str) -> None:
        """A WARNING the first time an address is refused, with how to allow it, so that the reason is
        seen among a quiet crawl's few lines; INFO for each later refusal (``-v`` shows them)."""
        if address in self._reported:
            logger.info("Refused %s: %s is an internal address", url, address)
            return
        self._reported.add(address)
        if len(self._reported) == 1:
            self.stats.set_value("address_guard/first_refused", address)
        logger.warning(
            "Refused %s: %s is an internal address (private, loopback or link-local); "
            "to crawl it anyway, set ADDRESS_GUARD_ALLOWED=%s",
            url,
            address,
            address,
        )


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
