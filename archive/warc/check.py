"""Check WARC files against their own digests and the WARC/1.1 header rules.

``warcio check`` verifies digests only; an archive we intend to keep should also be valid WARC,
so that every other tool can read it. The rules below are those of the WARC 1.1 specification
(ISO 28500:2017, sections 4 to 6): the header's syntax as the spec's grammar gives it (CRLF line
ends, ``name: value`` fields with token names, UTF-8 values), the fields each record type must or
must not have, well-formed record ids, dates and digests, and record ids unique across the files
checked together (section 5.2: "globally unique").
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

from .digests import MalformedDigest, parse_digest
from .framing import Damage
from .reader import is_arc_file, scan_records

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
# WARC/1.1 section 4: field-name = token (RFC 2616's token: any CHAR but CTLs and separators).
_FIELD = re.compile(rb"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:")
DIGEST_FIELDS = ("WARC-Block-Digest", "WARC-Payload-Digest")
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


def _syntax_findings(record: ArcWarcRecord) -> Iterator[tuple[Severity, str]]:
    """The header block as bytes: CRLF line ends, ``name: value`` fields (or folded continuation
    lines), UTF-8 throughout; and digests that parse (algorithm, and a value of its length)."""
    raw: bytes | None = getattr(record, "raw_header", None)
    if raw is None:
        return
    lines = raw.split(b"\n")[:-1]  # the last element is what follows the final LF: nothing
    bare = [number for number, line in enumerate(lines, start=1) if not line.endswith(b"\r")]
    if bare:
        yield (
            "error",
            f"{len(bare)} header lines end with LF only, from line {bare[0]} (WARC/1.1 requires CRLF)",
        )
    for number, line in enumerate(lines, start=1):
        body = line.rstrip(b"\r")
        if number == 1 or not body:
            continue
        if body[:1] in (b" ", b"\t"):
            continue  # a folded continuation of the field above (LWS)
        if not _FIELD.match(body):
            shown = body[:60].decode("utf-8", "replace")
            yield "error", f"header line {number} is not a 'Name: value' field: {shown!r}"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield "error", f"header is not UTF-8 (byte {exc.start}): WARC/1.1 fields are UTF-8"
    for name in DIGEST_FIELDS:
        value = record.rec_headers.get_header(name)
        if value is not None:
            try:
                parse_digest(value)
            except MalformedDigest as exc:
                yield "error", f"malformed {name}: {exc}"


def _digest_findings(record: ArcWarcRecord) -> Iterator[tuple[Severity, str]]:
    """The reader verified the digests while the record was read; report its verdict (a malformed
    digest is reported once, by the syntax rules)."""
    checker = record.digest_checker
    for problem in checker.problems if checker is not None else ():
        if not problem.startswith("malformed"):
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


class RecordIds:
    """WARC-Record-IDs seen so far across the files checked together, with where each was first."""

    def __init__(self) -> None:
        self.first_seen: dict[str, tuple[str, int]] = {}

    def findings(self, record_id: str | None, filename: str, offset: int) -> Iterator[tuple[Severity, str]]:
        if not record_id:
            return
        where = self.first_seen.setdefault(record_id, (filename, offset))
        if where != (filename, offset):
            yield (
                "error",
                f"WARC-Record-ID {record_id} is also used by the record at {where[0]} offset {where[1]}",
            )


def check_warc(path: Path, *, record_ids: RecordIds | None = None) -> CheckReport:
    """Verify every record of ``path``: digests, WARC/1.1 header rules, and that the file reads to
    its end. Each damaged region (truncation, corrupt gzip, garbage, an unusable record) is an error
    at its offset; the records after it are checked too. ``record_ids`` carries the ids seen in the
    other files of one check (see :func:`check_warcs`)."""
    path = Path(path)
    problems: list[CheckProblem] = []
    records = 0
    arc = is_arc_file(path)
    revisits = _RevisitTargets()
    record_ids = record_ids if record_ids is not None else RecordIds()
    if arc:
        problems.append(CheckProblem(0, None, None, "warning", "ARC file: WARC header rules do not apply"))
    for item in scan_records(path, check_digests=True):
        if isinstance(item, Damage):
            problems.append(CheckProblem(item.start, None, None, "error", _damage_message(item)))
            continue
        location, record = item
        records += 1
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        record_type = record.rec_headers.get_header("WARC-Type") or record.rec_type
        findings: tuple[tuple[Severity, str], ...] = ()
        if not arc:
            findings = (
                *_syntax_findings(record),
                *_digest_findings(record),
                *_header_findings(record),
                *record_ids.findings(record_id, location.filename, location.offset),
            )
        findings = (*findings, *revisits.findings(record))
        for severity, message in findings:
            problems.append(CheckProblem(location.offset, record_id, record_type, severity, message))
    if records == 0 and not problems:
        problems.append(CheckProblem(0, None, None, "error", "no records: an empty file is not a WARC file"))
    return CheckReport(path, records, tuple(problems))


def _damage_message(region: Damage) -> str:
    return f"{region.reason} (bytes {region.start}-{region.end} give no record)"


def check_warcs(paths: list[Path]) -> list[CheckReport]:
    """:func:`check_warc` for each file, with WARC-Record-IDs required to be unique across them all."""
    record_ids = RecordIds()
    return [check_warc(path, record_ids=record_ids) for path in paths]
