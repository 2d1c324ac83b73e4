"""Typed result of extracting one page, shared by ingest, the CLI and the evaluation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ImageRef:
    """An image the article uses: absolute URL and the caption a reader sees next to it."""

    src: str
    caption: str | None = None
    alt: str | None = None


@dataclass(frozen=True)
class BoilerplateBlock:
    """Text that repeats across pages (subscription block, copyright line...), kept out of the article."""

    kind: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class LinkRef:
    """An outgoing link with its anchor text, for the links table."""

    url: str
    text: str = ""
    rel: str = ""  # "breadcrumb", "body", "nav", "attachment", "image" ...

    def __reduce__(self) -> tuple[type[LinkRef], tuple[str, str, str]]:
        """Pickled as its three fields: a page's ~160 links travel from every ingest worker to the
        storing process, and this pickles and loads them in two thirds of the default's time."""
        return LinkRef, (self.url, self.text, self.rel)


@dataclass
class Extraction:
    """Everything extraction pulled out of one HTML page.

    ``status`` is explicit ("ok", "empty", "not-article", "too-large", "too-deep", "error") because
    trafilatura signals failure with ``None``; the database keeps the status so failed pages remain
    visible to an archivist. "too-large" is a page over the options' size budget, left unparsed;
    "too-deep" one nested beyond what the parser can hold even with its wrapper tags taken out.
    ``rules`` maps each metadata field to the name of the rule that produced it (provenance).
    ``diagnostics`` counts what was skipped on the way without failing the page ("bad_links": links
    whose address cannot be resolved, "bad_images", "flattened": nesting removed to read a deep page).
    """

    url: str
    status: str = "ok"
    error: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date, or date-time when the page gives a time of day
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    section: str | None = None
    breadcrumb: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    section_headings: list[str] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    boilerplate: list[BoilerplateBlock] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)
    language: str | None = None
    rules: dict[str, str] = field(default_factory=dict)
    diagnostics: dict[str, int] = field(default_factory=dict)
    extractor: str = "minzu-archive"
    extractor_version: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Article text: one paragraph a line, boilerplate excluded."""
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["text"] = self.text
        data["boilerplate"] = [{"kind": b.kind, "text": b.text} for b in self.boilerplate]
        return data
