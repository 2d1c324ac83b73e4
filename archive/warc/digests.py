"""WARC digests: computing them the way our records state them, and verifying the ones a record states.

WARC/1.1 (section 5.8) writes a digest as ``algorithm ":" value`` and leaves the value's encoding to
the writer; base32 (RFC 4648) is the custom, and other tools also write hex or base64. A value that
decodes in none of them, or to the wrong number of bytes for its algorithm, is *malformed*: reported
like a mismatch, never a reason to stop reading the file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from warcio.utils import Digester

# Names as WARC writers spell them -> hashlib names.
_ALGORITHMS = {
    "sha1": "sha1",
    "sha-1": "sha1",
    "sha256": "sha256",
    "sha-256": "sha256",
    "sha512": "sha512",
    "sha-512": "sha512",
    "md5": "md5",
}
_BASE32 = re.compile(r"^[A-Z2-7]+=*$")
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/_\-]+=*$")


def payload_digest(body: bytes) -> str:
    """``sha1:<base32>``, the way the archive's records state WARC-Payload-Digest."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


@dataclass(frozen=True)
class StatedDigest:
    """A digest header value taken apart: ``algorithm`` is hashlib's name, ``value`` the raw bytes."""

    algorithm: str
    value: bytes


class MalformedDigest(ValueError):
    """A digest header that names no known algorithm or whose value decodes to no digest of it."""


def parse_digest(stated: str) -> StatedDigest:
    """``sha1:B2LT...`` -> the algorithm and the digest bytes; raises :class:`MalformedDigest`."""
    name, sep, encoded = stated.strip().partition(":")
    algorithm = _ALGORITHMS.get(name.strip().lower())
    if not sep or algorithm is None:
        raise MalformedDigest(f"no known digest algorithm in {stated!r}")
    size = hashlib.new(algorithm).digest_size
    encoded = encoded.strip()
    for pattern, decode in ((_BASE32, _b32), (_HEX, _b16), (_BASE64, _b64)):
        if pattern.match(encoded):
            value = decode(encoded)
            if value is not None and len(value) == size:
                return StatedDigest(algorithm, value)
    raise MalformedDigest(f"{stated!r} is not a {name} digest in base32, hex or base64")


def _b32(text: str) -> bytes | None:
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None


def _b16(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(
            text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text else None
        )
    except (binascii.Error, ValueError):
        return None


class DigestCheck:
    """One stated digest being verified over bytes fed in pieces; malformed ones never raise."""

    def __init__(self, field_name: str, stated: str) -> None:
        self.field_name = field_name
        self.stated = stated
        try:
            self.expected: StatedDigest | None = parse_digest(stated)
            self.problem: str | None = None
            self._hash = hashlib.new(self.expected.algorithm)
        except MalformedDigest as exc:
            self.expected = None
            self.problem = f"malformed {field_name}: {exc}"
            self._hash = None

    def update(self, data: bytes) -> None:
        if self._hash is not None:
            self._hash.update(data)

    def verdict(self) -> str | None:
        """None when the digest matches, else the problem (mismatch or malformed)."""
        if self.expected is None or self._hash is None:
            return self.problem
        if self._hash.digest() != self.expected.value:
            kind = "block" if self.field_name == "WARC-Block-Digest" else "payload"
            return f"{kind} digest failed: {self.stated}"
        return None
