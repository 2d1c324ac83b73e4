"""Payload digests in the form WARC records carry them, for comparing a new body with an archived one."""

from __future__ import annotations

from warcio.utils import Digester


def payload_digest(body: bytes) -> str:
    """``sha1:<base32>``, the way the archive's records state WARC-Payload-Digest."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)
