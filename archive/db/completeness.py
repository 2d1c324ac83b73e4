"""Is the archive complete? Which article pages linked anywhere in it it holds, and which images of them.

An archive that is silently incomplete is the worst failure an archival crawler can have, so the answer
is computed from the archive alone (database rows, plus the archived robots.txt read from the WARC files)
and says by name what is missing and why.

The rules, each a decision an archivist would otherwise have to guess:

- A URL is identified by its SURT key (``captures.url_key``): http:// and https://, ``www.``, default
  ports, letter case and percent-encoding variants of one page are one page.
- An article is *found* when an article-shaped URL (the site definition's ``is_article``) is linked from
  any archived page, is a start URL of a run, or has a capture of its own.
- It is *archived* when an ``ok`` extraction of it exists and its newest capture is not a 404/410; also
  when it answers with a redirect to an archived article. An archived article whose newest fetch failed
  keeps its older copy and is listed as *stale*, not missing.
- It is *gone* when its newest capture is a 404 or 410: the site removed it (older copies stay).
- Never-fetched URLs on another host are *out of scope*, those the archived robots.txt disallows are
  *excluded*; neither is missing. The rest are *missing*, each with the reason.
- An image is *referenced* when it is an ``<img>`` of the newest ``ok`` extraction of a found article
  (archived, or gone with an older copy kept), and
  *captured* when some capture of it holds bytes (a 2xx response or resource with a payload, or a 2xx
  revisit of one).

Every figure comes from a handful of set-based queries: the cost grows with the archive's rows, never
with a query per URL (30,000 URLs and 100,000 captures take seconds; see ``benchmarks/report.py``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from sys import intern
from typing import Any
from urllib.parse import unquote, urlsplit

from protego import Protego
from sqlite_utils import Database

from archive.db.record_rows import url_key
from archive.sites import DEFAULT_SITE, SiteDefinition
from archive.warc.payload import record_http_payload
from archive.warc.reader import WarcReadError, read_record_at, resolve_warc_path

GONE_STATUSES = frozenset({404, 410})
MAX_REDIRECT_HOPS = 5
NO_SECTION = "(none)"
UNDATED = "undated"

_CAPTURE_TYPES = "('response', 'revisit', 'resource')"

# The newest capture of every URL key. (Joining each to its extraction here doubles the time: the few
# extractions that are not ok are looked up apart.)
_LATEST_SQL = f"""
SELECT key, url, status, record_type, location, record_id FROM (
    SELECT coalesce(url_key, url) AS key, url, status, record_type, location, record_id,
           row_number() OVER (PARTITION BY coalesce(url_key, url)
                              ORDER BY fetched_at DESC, record_id DESC) AS rank
    FROM captures
    WHERE record_type IN {_CAPTURE_TYPES})
WHERE rank = 1"""

# Keys with a capture that holds bytes: a 2xx response (a resource has no status) with a non-empty
# payload, or a 2xx revisit whose original is in the archive.
_PAYLOAD_SQL = """
SELECT DISTINCT coalesce(c.url_key, c.url) FROM captures c
WHERE (c.record_type IN ('response', 'resource')
       AND (c.status BETWEEN 200 AND 299 OR (c.status IS NULL AND c.record_type = 'resource'))
       AND coalesce(c.content_length, 1) > 0)
   OR (c.record_type = 'revisit' AND c.status BETWEEN 200 AND 299
       AND EXISTS (SELECT 1 FROM captures o WHERE o.record_id = c.refers_to
                   AND coalesce(o.content_length, 1) > 0))"""

# The newest ok extraction of every URL key, with its images (one row per image, NULL src without any).
_OK_ARTICLES_SQL = """
WITH ok AS (
    SELECT key, url, capture_id, section, published FROM (
        SELECT coalesce(c.url_key, c.url) AS key, a.url, a.capture_id, a.section, a.published,
               row_number() OVER (PARTITION BY coalesce(c.url_key, c.url)
                                  ORDER BY c.fetched_at DESC, c.record_id DESC) AS rank
        FROM articles a JOIN captures c ON c.record_id = a.capture_id
        WHERE a.status = 'ok')
    WHERE rank = 1)
SELECT ok.key, ok.url, ok.section, ok.published, i.src
FROM ok LEFT JOIN images i ON i.capture_id = ok.capture_id
ORDER BY ok.key, i.position"""

# Which run wrote each WARC file: the warcinfo record each file starts with.
_RUN_FILES_SQL = """
SELECT f.run_id, count(*) AS files, sum(w.bytes) AS bytes
FROM warc_files w
LEFT JOIN (SELECT warc_filename, min(run_id) AS run_id FROM warcinfo GROUP BY warc_filename) f
    ON f.warc_filename = w.filename
GROUP BY f.run_id"""


@dataclass(frozen=True)
class MissingArticle:
    url: str
    reason: str  # "not fetched", "HTTP 500", "extraction empty", "redirect to … (not archived)"
    linked_from: str | None  # one archived page that links to it


@dataclass(frozen=True)
class GoneArticle:
    url: str
    status: int
    archived_before: bool  # an older ok copy stays in the archive


@dataclass(frozen=True)
class StaleArticle:
    url: str
    reason: str  # why the newest fetch did not renew the archived copy


@dataclass(frozen=True)
class MissingImage:
    url: str
    article: str  # an archived article that shows it
    reason: str


@dataclass(frozen=True)
class RunFigures:
    run_id: str | None  # None: WARC files without a warcinfo record
    started: str | None
    finished: str | None
    finish_reason: str | None  # None: the run has no end-of-run record (killed, or still running)
    captures: int
    warc_files: int
    warc_bytes: int
    failures: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CompletenessReport:
    """What the archive holds of the site, what it lacks, and why; ``complete`` is the verdict."""

    site: str
    as_of: str | None  # WARC-Date of the newest capture
    articles_found: int
    articles_archived: int
    articles_via_redirect: int  # of the archived: answered by a redirect to an archived article
    articles_missing: tuple[MissingArticle, ...]
    articles_gone: tuple[GoneArticle, ...]
    articles_stale: tuple[StaleArticle, ...]
    articles_excluded: tuple[str, ...]  # by robots.txt
    articles_out_of_scope: int
    images_referenced: int
    images_captured: int
    images_missing: tuple[MissingImage, ...]
    images_excluded: tuple[str, ...]
    images_out_of_scope: int
    robots: str  # how robots.txt exclusions were decided
    status_counts: dict[str, int]  # HTTP status of each URL's newest capture
    section_counts: dict[str, int]  # archived articles per section
    year_counts: dict[str, int]  # archived articles per publication year
    captures_per_day: dict[str, int]
    runs: tuple[RunFigures, ...]

    @property
    def complete(self) -> bool:
        """Nothing missing, and something there: an archive in which no article was found is no evidence
        of a complete crawl (wrong site definition, a crawl that fetched nothing)."""
        return self.articles_found > 0 and not self.articles_missing and not self.images_missing

    def as_json(self) -> dict[str, Any]:
        """The JSON form: missing articles as a list of URLs, with the reasons beside it."""
        data = asdict(self)
        data["articles_missing"] = [article.url for article in self.articles_missing]
        data["articles_missing_detail"] = [asdict(article) for article in self.articles_missing]
        data["complete"] = self.complete
        data["completeness"] = completeness_line(self)
        return data


def completeness_line(report: CompletenessReport) -> str:
    """One line for a crawl summary or a cron mail: the verdict first, then the counts behind it."""
    articles_expected = report.articles_archived + len(report.articles_missing)
    images_expected = report.images_captured + len(report.images_missing)
    if report.articles_found == 0:
        line = "INCOMPLETE: no article found in the archive"
    elif report.complete:
        line = (
            f"complete: {report.articles_archived}/{articles_expected} articles, "
            f"{report.images_captured}/{images_expected} images"
        )
    else:
        line = (
            f"INCOMPLETE: {_plural(len(report.articles_missing), 'article')} and "
            f"{_plural(len(report.images_missing), 'image')} missing "
            f"({report.articles_archived}/{articles_expected} articles, "
            f"{report.images_captured}/{images_expected} images; see report --json / --html)"
        )
    notes = [
        (len(report.articles_gone), "gone (404/410)"),
        (len(report.articles_excluded) + len(report.images_excluded), "excluded by robots.txt"),
        (report.articles_out_of_scope + report.images_out_of_scope, "out of scope"),
    ]
    extra = ", ".join(f"{count} {label}" for count, label in notes if count)
    return f"{line}; {extra}" if extra else line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class _Latest:
    url: str
    status: int | None
    record_type: str
    location: str | None
    article_status: str | None  # of this capture's extraction when it is not ok (None: ok, or none)


class _Archive:
    """The archive's facts the verdicts need, each loaded by one query and held by URL key."""

    def __init__(self, db: Database) -> None:
        # At the real site's scale these are ~30,000 URLs each: URLs and keys are interned so that the
        # maps below share one string each instead of one per query that returned it, and the facts
        # are slotted objects, not dicts.
        self.db = db
        self.keys_by_url: dict[str, str] = {}
        self.latest: dict[str, _Latest] = {}
        not_ok = dict(db.execute("SELECT capture_id, status FROM articles WHERE status <> 'ok'").fetchall())
        for key, url, status, record_type, location, record_id in db.execute(_LATEST_SQL):
            self.latest[intern(key)] = _Latest(
                intern(url), status, record_type, location, not_ok.get(record_id)
            )
        del not_ok
        for url, key in db.execute("SELECT DISTINCT url, coalesce(url_key, url) FROM captures"):
            self.keys_by_url[intern(url)] = intern(key)
        self.with_payload = {intern(key) for (key,) in db.execute(_PAYLOAD_SQL)}
        self.ok: dict[str, tuple[str, str | None, str | None]] = {}  # key -> url, section, published
        self.images: dict[str, list[str]] = defaultdict(list)  # article key -> image srcs
        for key, url, section, published, src in db.execute(_OK_ARTICLES_SQL):
            key = intern(key)
            self.ok[key] = (intern(url), section and intern(section), published)
            if src is not None:
                self.images[key].append(src)

    def key(self, url: str) -> str:
        """The stored key of a captured URL; computed (SURT) only for forms never captured."""
        found = self.keys_by_url.get(url)
        if found is None:
            found = url_key(url) or url
            self.keys_by_url[url] = found
        return found

    def redirect_target(self, key: str) -> str | None:
        """Where a chain of redirects starting at ``key`` ends (its key), if the newest capture redirects."""
        seen = {key}
        target = None
        for _ in range(MAX_REDIRECT_HOPS):
            latest = self.latest.get(key)
            if latest is None or not _is_redirect(latest):
                break
            key = self.key(latest.location or "")
            target = key
            if key in seen:
                break
            seen.add(key)
        return target


def _is_redirect(latest: _Latest) -> bool:
    return latest.status is not None and 300 <= latest.status < 400 and bool(latest.location)


def _host_of(key: str) -> str:
    """The host part of a SURT key (``cn,com,56-china``); a key that is not SURT is its own host."""
    return key.split(")", 1)[0]


class _Scope:
    """Hosts of the site definition and of every run's start URLs, compared in SURT form."""

    def __init__(self, site: SiteDefinition, seeds: Iterable[str]) -> None:
        hosts = {_host_of(url_key(f"http://{host}/") or host) for host in site.scope}
        hosts |= {_host_of(url_key(seed) or seed) for seed in seeds}
        self.hosts = hosts

    def __contains__(self, key: str) -> bool:
        return _host_of(key) in self.hosts


class _Robots:
    """The newest archived robots.txt of each host, parsed on first use; without WARC files, no verdict."""

    def __init__(self, archive: _Archive, warc_dir: Path | None) -> None:
        self.archive = archive
        self.warc_dir = warc_dir
        self.rules: dict[str, tuple[Protego, str] | None] = {}
        self.problems: list[str] = []

    def disallows(self, url: str, key: str) -> bool:
        host = _host_of(key)
        if host not in self.rules:
            self.rules[host] = self._load(host, urlsplit(url).hostname or host)
        found = self.rules[host]
        return found is not None and not found[0].can_fetch(url, found[1])

    def _load(self, host: str, shown_host: str) -> tuple[Protego, str] | None:
        """The rules of the host's newest robots.txt; None when there are none to obey (never archived,
        or its newest answer was not a 200 or 304: a missing robots.txt allows everything)."""
        if self.warc_dir is None:
            return None
        robots_key = f"{host})/robots.txt"
        latest = self.archive.latest.get(robots_key)
        if latest is None:
            self.problems.append(f"no robots.txt archived for {shown_host}")
            return None
        if latest.status not in (200, 304):
            return None
        row = self.archive.db.execute(
            "SELECT c.warc_filename, c.warc_offset, c.url, r.user_agent FROM captures c "
            "LEFT JOIN requests r ON r.record_id = c.request_record_id "
            "WHERE c.url_key = ? AND c.record_type = 'response' AND c.status = 200 "
            "ORDER BY c.fetched_at DESC, c.record_id DESC LIMIT 1",
            [robots_key],
        ).fetchone()
        if row is None:
            self.problems.append(f"robots.txt of {shown_host} has no archived body")
            return None
        filename, offset, url, user_agent = row
        try:
            record = read_record_at(resolve_warc_path(self.warc_dir, filename), offset)
            text = record_http_payload(record).decode("utf-8", errors="replace")
        except (OSError, ValueError, WarcReadError) as error:
            self.problems.append(f"{url} unreadable: {error}")
            return None
        return Protego.parse(text), user_agent or "*"

    def summary(self) -> str:
        if self.warc_dir is None:
            return "not checked: no WARC folder given"
        if not self.rules:
            return "nothing to check: every URL in scope was fetched"
        checked = sum(1 for rules in self.rules.values() if rules is not None)
        parts = [f"never-fetched URLs checked against the archived robots.txt of {_plural(checked, 'host')}"]
        return "; ".join(parts + self.problems)


def completeness_report(
    db: Database, *, site: SiteDefinition = DEFAULT_SITE, warc_dir: Path | None = None
) -> CompletenessReport:
    """The completeness of the archive in ``db``; ``warc_dir`` (the collection's WARC folder) lets the
    archived robots.txt decide which never-fetched URLs were excluded rather than missed."""
    archive = _Archive(db)
    seeds = _seeds(db)
    scope = _Scope(site, seeds)
    robots = _Robots(archive, warc_dir)
    articles = _ArticleVerdicts(archive, scope, robots)
    for url in _found_article_urls(db, archive, site, seeds):
        articles.add(url)
    articles.decide()
    # Every article with an archived copy: a page the site removed since keeps its images in the archive.
    images = _image_verdicts(
        archive, scope, robots, sorted(key for key in articles.urls if key in archive.ok)
    )
    return CompletenessReport(
        site=site.name,
        as_of=db.execute("SELECT max(fetched_at) FROM captures").fetchone()[0],
        articles_found=len(articles.urls),
        articles_archived=len(articles.archived_own) + articles.via_redirect,
        articles_via_redirect=articles.via_redirect,
        articles_missing=tuple(articles.missing),
        articles_gone=tuple(articles.gone),
        articles_stale=tuple(articles.stale),
        articles_excluded=tuple(articles.excluded),
        articles_out_of_scope=articles.out_of_scope,
        images_referenced=images.referenced,
        images_captured=images.captured,
        images_missing=tuple(images.missing),
        images_excluded=tuple(images.excluded),
        images_out_of_scope=images.out_of_scope,
        robots=robots.summary(),
        status_counts=_status_counts(archive),
        section_counts=_count_by(archive.ok[key][1] or NO_SECTION for key in articles.archived_own),
        year_counts=_count_by(_year(archive.ok[key][2]) for key in articles.archived_own),
        captures_per_day=dict(
            db.execute(
                f"SELECT substr(fetched_at, 1, 10), count(*) FROM captures "
                f"WHERE record_type IN {_CAPTURE_TYPES} GROUP BY 1 ORDER BY 1"
            ).fetchall()
        ),
        runs=_run_figures(db),
    )


def _seeds(db: Database) -> list[str]:
    seeds: list[str] = []
    for (value,) in db.execute("SELECT seeds FROM crawl_runs WHERE seeds IS NOT NULL"):
        try:
            parsed = json.loads(value)
        except ValueError:
            continue
        seeds.extend(seed for seed in (parsed if isinstance(parsed, list) else []) if isinstance(seed, str))
    return seeds


def _found_article_urls(db: Database, archive: _Archive, site: SiteDefinition, seeds: list[str]) -> list[str]:
    """Article-shaped URLs linked from any archived page, start URLs, and captured URLs (deduplicated)."""
    linked = (url for (url,) in db.execute("SELECT DISTINCT url FROM links"))
    captured = (latest.url for latest in archive.latest.values())
    candidates = {url for source in (linked, seeds, captured) for url in source}
    return sorted(url for url in candidates if site.is_article(url) or site.is_article(unquote(url)))


class _ArticleVerdicts:
    """Sorts the found article keys into archived, gone, excluded, out of scope and missing."""

    def __init__(self, archive: _Archive, scope: _Scope, robots: _Robots) -> None:
        self.archive = archive
        self.scope = scope
        self.robots = robots
        self.urls: dict[str, list[str]] = {}  # key -> the URL forms it was found under
        self.archived_own: list[str] = []  # keys archived with an ok extraction of their own
        self.via_redirect = 0
        self.missing: list[MissingArticle] = []
        self.gone: list[GoneArticle] = []
        self.stale: list[StaleArticle] = []
        self.excluded: list[str] = []
        self.out_of_scope = 0
        self._out_of_scope_keys: set[str] = set()

    def add(self, url: str) -> None:
        key = self.archive.key(url)
        if key not in self.archive.latest and key not in self.scope:
            self._out_of_scope_keys.add(key)
            return
        self.urls.setdefault(key, []).append(url)

    def decide(self) -> None:
        self.out_of_scope = len(self._out_of_scope_keys - self.urls.keys())
        missing: dict[str, tuple[str, str]] = {}  # key -> shown URL, reason
        for key, forms in self.urls.items():
            url = self._shown_url(key, forms)
            latest = self.archive.latest.get(key)
            if latest is None:
                if self.robots.disallows(url, key):
                    self.excluded.append(url)
                else:
                    missing[key] = (url, "not fetched")
            elif latest.status in GONE_STATUSES:
                self.gone.append(GoneArticle(url, latest.status, key in self.archive.ok))
            elif key in self.archive.ok:
                self.archived_own.append(key)
                stale = _stale_reason(latest)
                if stale:
                    self.stale.append(StaleArticle(url, stale))
            elif _is_redirect(latest):
                target = self.archive.redirect_target(key)
                if target is not None and self._archived(target):
                    self.via_redirect += 1
                else:
                    missing[key] = (url, f"redirect to {latest.location} (not archived)")
            else:
                missing[key] = (url, _failure_reason(latest))
        referrers = _referrers(self.archive.db, [form for key in missing for form in self.urls[key]])
        for key, (url, reason) in sorted(missing.items(), key=lambda item: item[1]):
            forms = self.urls[key]
            linked_from = min((referrers[form] for form in forms if form in referrers), default=None)
            self.missing.append(MissingArticle(url, reason, linked_from))
        self.archived_own.sort()

    def _archived(self, key: str) -> bool:
        latest = self.archive.latest.get(key)
        return key in self.archive.ok and (latest is None or latest.status not in GONE_STATUSES)

    def _shown_url(self, key: str, forms: list[str]) -> str:
        """The captured form of the URL when there is one, else the first form found."""
        latest = self.archive.latest.get(key)
        return latest.url if latest is not None else min(forms)


def _stale_reason(latest: _Latest) -> str | None:
    """Why the newest capture of an archived article did not renew it (None: it did, or it is a revisit)."""
    status = latest.status
    if status is not None and status >= 400:
        return f"newest fetch answered HTTP {status}"
    if latest.record_type != "revisit" and latest.article_status is not None:
        return f"newest extraction {latest.article_status}"
    return None


def _failure_reason(latest: _Latest) -> str:
    if latest.status is not None and not 200 <= latest.status < 300 and latest.status != 304:
        return f"HTTP {latest.status}"
    if latest.record_type == "revisit":
        return "revisit without an archived copy"
    if latest.article_status is None:
        return f"not extracted ({latest.record_type}, HTTP {latest.status})"
    return f"extraction {latest.article_status}"


def _referrers(db: Database, urls: list[str]) -> dict[str, str]:
    """For each URL, one archived page linking to it (the smallest URL, so the answer is stable)."""
    if not urls:
        return {}
    rows = db.execute(
        "SELECT l.url, min(a.url) FROM links l JOIN articles a ON a.capture_id = l.capture_id "
        "WHERE l.url IN (SELECT value FROM json_each(?)) GROUP BY l.url",
        [json.dumps(urls)],
    )
    return dict(rows.fetchall())


@dataclass
class _ImageVerdicts:
    referenced: int = 0
    captured: int = 0
    missing: list[MissingImage] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    out_of_scope: int = 0


def _image_verdicts(
    archive: _Archive, scope: _Scope, robots: _Robots, article_keys: list[str]
) -> _ImageVerdicts:
    """Every image of the archived articles, each counted once (by key) with the first article using it."""
    first_use: dict[str, tuple[str, str]] = {}  # image key -> (src, article url)
    for article_key in article_keys:
        article_url = archive.ok[article_key][0]
        for src in archive.images.get(article_key, ()):
            first_use.setdefault(archive.key(src), (src, article_url))
    verdicts = _ImageVerdicts()
    for key, (src, article_url) in sorted(first_use.items(), key=lambda item: item[1]):
        if _holds_bytes(archive, key):
            verdicts.captured += 1
        elif key not in scope and key not in archive.latest:
            verdicts.out_of_scope += 1
            continue
        elif key not in archive.latest and robots.disallows(src, key):
            verdicts.excluded.append(src)
        else:
            verdicts.missing.append(MissingImage(src, article_url, _image_failure(archive, key)))
        verdicts.referenced += 1
    return verdicts


def _holds_bytes(archive: _Archive, key: str) -> bool:
    if key in archive.with_payload:
        return True
    target = archive.redirect_target(key)
    return target is not None and target in archive.with_payload


def _image_failure(archive: _Archive, key: str) -> str:
    latest = archive.latest.get(key)
    if latest is None:
        return "not fetched"
    if _is_redirect(latest):
        return f"redirect to {latest.location} (not captured)"
    if latest.status is not None and not 200 <= latest.status < 300:
        return f"HTTP {latest.status}"
    return "no payload captured"


def _status_counts(archive: _Archive) -> dict[str, int]:
    counts = Counter(latest.status for latest in archive.latest.values())
    ordered = sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or 0))
    return {("none" if status is None else str(status)): count for status, count in ordered}


def _year(published: str | None) -> str:
    return published[:4] if published and published[:4].isdigit() else UNDATED


def _count_by(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _run_figures(db: Database) -> tuple[RunFigures, ...]:
    """Every run oldest first, with what it wrote: captures, and WARC files and bytes on disk."""
    captures = dict(db.execute("SELECT run_id, count(*) FROM captures GROUP BY run_id").fetchall())
    files = {run_id: (count, int(total or 0)) for run_id, count, total in db.execute(_RUN_FILES_SQL)}
    runs = []
    rows = db.execute(
        "SELECT run_id, started, finished, stats FROM crawl_runs "
        "ORDER BY coalesce(started, first_warcinfo_at), run_id"
    ).fetchall()
    for run_id, started, finished, stats_json in rows:
        body = json.loads(stats_json) if stats_json else {}
        stats = body.get("stats", {}) if isinstance(body, dict) else {}
        failures = {
            key.removeprefix("failures/"): int(value)
            for key, value in sorted(stats.items())
            if key.startswith("failures/") and isinstance(value, int | float)
        }
        file_count, warc_bytes = files.pop(run_id, (0, 0))
        runs.append(
            RunFigures(
                run_id=run_id,
                started=started,
                finished=finished,
                finish_reason=body.get("finish_reason") if isinstance(body, dict) else None,
                captures=int(captures.get(run_id, 0)),
                warc_files=file_count,
                warc_bytes=warc_bytes,
                failures=failures,
            )
        )
    for run_id, (file_count, warc_bytes) in sorted(files.items(), key=lambda item: str(item[0])):
        # Files whose warcinfo names a run without a crawl_runs row, or no warcinfo at all.
        runs.append(
            RunFigures(run_id, None, None, None, int(captures.get(run_id, 0)), file_count, warc_bytes)
        )
    return tuple(runs)


def report_for_collection(collection: Path, *, site: SiteDefinition = DEFAULT_SITE) -> CompletenessReport:
    """The report of a collection folder (``archive.db`` beside ``archive/``), opened read-only."""
    from archive.collection import database_path, warc_directory
    from archive.db.schema import open_for_reading

    db = open_for_reading(database_path(collection))
    try:
        return completeness_report(db, site=site, warc_dir=warc_directory(collection))
    finally:
        db.close()
