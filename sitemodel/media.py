"""Real bytes for every image and attachment the model links to.

The committed files under ``data/images`` were drawn once with Pillow (not a project dependency): six 1200×800
JPEGs of about 130 KB each (the size of a news photo on the web, so that byte counts in the archive, such as
what a re-crawl saves, are realistic), the same six scaled to 360×240 (about 9 KB each, served by sites of
more than 40 articles so that a 10,000-article crawl stays near 1 GB of WARC), the logo PNG and the
subscription PNG. Each article image path is served as one of the six photos with a JPEG comment segment
(COM, marker FFFE) naming its path inserted after the start-of-image marker.
That keeps the repository small while giving every URL distinct, still valid bytes, so payload-digest
de-duplication in the archive is not fooled by a model shortcut. An image "replaced" in version 2 switches to
another photo and another comment. The subscription-form PDF is written here, a one-page valid PDF 1.4.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sitemodel.model import Site

PHOTO_COUNT = 6
JPEG_SOI = b"\xff\xd8"


@dataclass(frozen=True)
class Media:
    """A static file as served: bytes, media type and the day it was (notionally) uploaded."""

    body: bytes
    content_type: str
    modified: dt.date


def media_for(site: Site, path: str) -> Media | None:
    """The file behind ``path`` in this version of the site, or None when the site has no such file."""
    if path == site.logo_path:
        return Media(_data_file("logo.png"), "image/png", dt.date(2014, 1, 1))
    if path == site.subscription_image_path:
        return Media(_data_file("dingyue.png"), "image/png", dt.date(2024, 1, 2))
    if path == site.attachment_path:
        return Media(subscription_form_pdf(), "application/pdf", dt.date(2024, 1, 2))
    owner = site.image_owner(path)
    if owner is None:
        return None
    replaced = path in site.replaced_images
    day = site.revised if replaced and site.revised else owner.date
    photo = article_photo(path, replaced, small=site.photo_style == "small")
    return Media(photo, "image/jpeg", dt.date.fromisoformat(day))


def article_photo(path: str, replaced: bool = False, small: bool = False) -> bytes:
    """A valid JPEG unique to ``path``: a committed photo plus a COM segment carrying the path."""
    index = (zlib.crc32(path.encode("utf-8")) + (1 if replaced else 0)) % PHOTO_COUNT + 1
    photo = _data_file(f"{'small' if small else 'photo'}{index}.jpg")
    note = f"sitemodel image {path}{' (replaced)' if replaced else ''}".encode()
    segment = b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note
    return photo[:2] + segment + photo[2:]


@cache
def subscription_form_pdf() -> bytes:
    """A one-page PDF standing in for 2024年《中国民族》杂志订阅单 (ASCII text: no CJK font needed)."""
    text = b"BT /F1 20 Tf 72 760 Td (2024 Zhongguo Minzu - subscription form) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


@cache
def _data_file(name: str) -> bytes:
    return (resources.files("sitemodel") / "data" / "images" / name).read_bytes()
