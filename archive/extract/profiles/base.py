"""What a site profile knows about one site's template: where things are, as hints, never as a must.

Every hint is tried first and every miss falls back to the generic rules, so a template change on the
site degrades the rule names in ``Extraction.rules`` (``profile:h1`` -> ``title:…``), not the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree


@dataclass(frozen=True)
class SiteProfile:
    name: str
    title_xpaths: tuple[str, ...] = ()
    container_xpaths: tuple[str, ...] = ()
    date_labels: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)

    def find_title(self, root: etree._Element) -> str | None:
        for xpath in self.title_xpaths:
            for element in root.xpath(xpath):
                text = " ".join("".join(element.itertext()).split())
                if text:
                    return text
        return None

    def find_container(self, root: etree._Element) -> etree._Element | None:
        for xpath in self.container_xpaths:
            found = root.xpath(xpath)
            if found:
                return found[0]
        return None

    def date_pattern(self) -> re.Pattern[str] | None:
        if not self.date_labels:
            return None
        labels = "|".join(map(re.escape, self.date_labels))
        return re.compile(
            rf"(?P<label>{labels})\s*[:：]\s*(?P<value>\d{{4}}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}[^\n]{{0,12}})"
        )
