"""Check a WARC file against its own digests and the WARC/1.1 header rules.

``warcio check`` verifies digests only; an archive we intend to keep should also be valid WARC,
so that every other tool can read it. The rules below are those of the WARC 1.1 specification
(ISO 28500:2017, sections 5 and 6) that can be checked on one record at a time.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from warcio.recordloader import ArcWarcRecord

from .reader import WarcReadError, is_arc_file, iter_records

Severity = Literal["error", "warning"]

KNOWN_VERSIONS = frozenset({"WARC/1.0", "WARC/1.1"})
KNOWN_TYPES = frozenset(
    {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}
)
MANDATORY_FIELDS = ("WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type")
TARGET_URI_REQUIRED = frozenset({"response", "resource", "request", "revisit", "conversion", "continuation"})
FORBIDDEN_IN: dict[str, frozenset[str]] = {
    "WARC-Concurrent-To": frozenset({"warcinfo", "conversion", "continuation"}),
    "WARC-Refers-To": frozenset({"warcinfo", "response", "resource", "request", "continuation"}),
    "WARC-Warcinfo-ID": frozenset({"warcinfo"}),
}
ONLY_IN: dict[str, frozenset[str]] = {
    "WARC-Filename": frozenset({"warcinfo"}),
    "WARC-Refers-To-Target-URI": frozenset({"revisit"}),
    "WARC-Refers-To-Date": frozenset({"revisit"}),
    "WARC-Segment-Origin-ID": frozenset({"continuation"}),
    "WARC-Segment-Total-Length": frozenset({"continuation"}),
}
REPEATABLE_FIELDS = frozenset({"warc-concurrent-to"})
RECORD_ID_FIELDS = ("WARC-Record-ID", "WARC-Concurrent-To", "WARC-Refers-To", "WARC-Warcinfo-ID")
TRUNCATION_REASONS = frozenset({"length", "time", "disconnect", "unspecified"})
IDENTICAL_PAYLOAD_PROFILES = frozenset(
    {
        "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    }
)
NOT_MODIFIED_PROFILES = frozenset(
    {
        "http://netpreserve.org/warc/1.0/revisit/server-not-modified",
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
    }
)

_RECORD_ID = re.compile(r"^<[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>]+>$")
_DATE_1_0 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_DATE_1_1 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")


@dataclass(frozen=True)
class CheckProblem:
    """One finding, located by the record's offset in the file."""

    offset: int
    record_id: str | None
    record_type: str | None
    severity: Severity
    message: str


@dataclass(frozen=True)
class CheckReport:
    """The verdict on one file: ``ok`` unless some problem is an error (warnings do not fail it)."""

    path: Path
    records: int
    problems: tuple[CheckProblem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)

    @property
    def errors(self) -> tuple[CheckProblem, ...]:
        return tuple(problem for problem in self.problems if problem.severity == "error")


def _header_findings(record: ArcWarcRecord) -> Iterator[tuple[Severity, str]]:
    """WARC/1.1 header rules for one record."""
    headers = record.rec_headers
    version = headers.protocol
    record_type = headers.get_header("WARC-Type")
    present = Counter(name.lower() for name, _ in headers.headers)

    if version not in KNOWN_VERSIONS:
        yield "warning", f"unknown WARC version {version!r}"
    for name in MANDATORY_FIELDS:
        if not present[name.lower()]:
            yield "error", f"mandatory field {name} is missing"
    for name, count in sorted(present.items()):
        if count > 1 and name not in REPEATABLE_FIELDS:
            yield "error", f"field {name} appears {count} times (only WARC-Concurrent-To may repeat)"

    if record_type is not None and record_type not in KNOWN_TYPES:
        yield "warning", f"unknown WARC-Type {record_type!r}"
    if record_type in TARGET_URI_REQUIRED and not present["warc-target-uri"]:
        yield "error", f"{record_type} record without WARC-Target-URI"
    for name, types in FORBIDDEN_IN.items():
        if present[name.lower()] and record_type in types:
            yield "error", f"{name} is not allowed in a {record_type} record"
    for name, types in ONLY_IN.items():
        if present[name.lower()] and record_type not in types:
            yield "error", f"{name} is only allowed in {'/'.join(sorted(types))} records"

    for name in RECORD_ID_FIELDS:
        for key, value in headers.headers:
            if key.lower() == name.lower() and not _RECORD_ID.match(value):
                yield "error", f"{name} is not a <URI>: {value!r}"

    date_pattern = _DATE_1_0 if version == "WARC/1.0" else _DATE_1_1
    for name in ("WARC-Date", "WARC-Refers-To-Date"):
        value = headers.get_header(name)
        if value is not None and not date_pattern.match(value):
            yield "error", f"{name} {value!r} is not a {version} date"

    length = headers.get_header("Content-Length")
    if length is not None and not length.strip().isdigit():
        yield "error", f"Content-Length {length!r} is not a number"
    elif length and int(length) > 0 and not present["content-type"] and record_type != "continuation":
        yield "warning", "record with a block but no Content-Type"

    truncated = headers.get_header("WARC-Truncated")
    if truncated is not None and truncated not in TRUNCATION_REASONS:
        yield "warning", f"unusual WARC-Truncated reason {truncated!r}"
    ip_address = headers.get_header("WARC-IP-Address")
    if ip_address is not None:
        try:
            ipaddress.ip_address(ip_address)
        except ValueError:
            yield "error", f"WARC-IP-Address {ip_address!r} is not an IP address"

    if record_type == "revisit":
        yield from _revisit_findings(headers.get_header("WARC-Profile"), present, version)
    if record_type == "continuation":
        for name in ("WARC-Segment-Origin-ID", "WARC-Segment-Number"):
            if not present[name.lower()]:
                yield "error", f"continuation record without {name}"


def _revisit_findings(
    profile: str | None, present: Counter[str], version: str
) -> Iterator[tuple[Severity, str]]:
    """Revisits must name their profile; an identical-payload-digest revisit must carry the digest
    it matched and, in WARC/1.1, should say which capture it repeats."""
    if not profile:
        yield "error", "revisit record without WARC-Profile"
        return
    if profile not in IDENTICAL_PAYLOAD_PROFILES:
        if profile not in NOT_MODIFIED_PROFILES:
            yield "warning", f"unknown revisit profile {profile!r}: replay tools may not resolve it"
        return
    if not present["warc-payload-digest"]:
        yield "error", "identical-payload-digest revisit without WARC-Payload-Digest"
    if version == "WARC/1.1":
        for name in ("WARC-Refers-To-Target-URI", "WARC-Refers-To-Date"):
            if not present[name.lower()]:
                yield "warning", f"identical-payload-digest revisit without {name}"


def _digest_findings(record: ArcWarcRecord) -> Iterator[tuple[Severity, str]]:
    """warcio verified the digests while the record was read; report its verdict."""
    checker = record.digest_checker
    for problem in checker.problems if checker is not None else ():
        yield "error", problem
    if record.format == "warc" and record.rec_type != "revisit":
        if not record.rec_headers.get_header("WARC-Block-Digest"):
            yield "warning", "no WARC-Block-Digest: the block cannot be verified"


class _RevisitTargets:
    """Payload digests of the records seen so far, so that an identical-payload-digest revisit whose
    original is in the same file can be held to its claim (they must carry the same digest)."""

    def __init__(self) -> None:
        self.digests: dict[str, str | None] = {}

    def findings(self, record: ArcWarcRecord) -> Iterator[tuple[Severity, str]]:
        headers = record.rec_headers
        record_id = headers.get_header("WARC-Record-ID")
        digest = headers.get_header("WARC-Payload-Digest")
        refers_to = headers.get_header("WARC-Refers-To")
        profile = headers.get_header("WARC-Profile")
        if (
            record.rec_type == "revisit"
            and profile in IDENTICAL_PAYLOAD_PROFILES
            and refers_to in self.digests
        ):
            original = self.digests[refers_to]
            if digest and original and digest != original:
                yield "error", f"revisit claims payload {digest} but {refers_to} has {original}"
        if record_id and record.rec_type in ("response", "resource", "revisit"):
            self.digests[record_id] = digest


def check_warc(path: Path) -> CheckReport:
    """Verify every record of ``path``: digests, WARC/1.1 header rules, and that the file reads to
    its end. Reading damage (truncation, corrupt gzip) is reported as an error at its offset."""
    path = Path(path)
    problems: list[CheckProblem] = []
    records = 0
    arc = is_arc_file(path)
    revisits = _RevisitTargets()
    if arc:
        problems.append(CheckProblem(0, None, None, "warning", "ARC file: WARC header rules do not apply"))
    try:
        for location, record in iter_records(path, check_digests=True):
            records += 1
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            record_type = record.rec_headers.get_header("WARC-Type") or record.rec_type
            findings = () if arc else (*_digest_findings(record), *_header_findings(record))
            findings = (*findings, *revisits.findings(record))
            for severity, message in findings:
                problems.append(CheckProblem(location.offset, record_id, record_type, severity, message))
    except WarcReadError as exc:
        problems.append(CheckProblem(exc.offset, None, None, "error", exc.reason))
    if records == 0 and not problems:
        problems.append(CheckProblem(0, None, None, "error", "no records: an empty file is not a WARC file"))
    return CheckReport(path, records, tuple(problems))
