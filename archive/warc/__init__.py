"""WARC layer: build records from plain values, write them to rotating files, read and check them.

The crawler's recorder builds records with ``records`` and writes them with ``RotatingWarcWriter``;
ingest reads them back with ``iter_records`` / ``read_record_at``. Nothing here knows about Scrapy.
"""

from .check import CheckProblem, CheckReport, check_warc, check_warcs
from .framing import Damage
from .payload import PayloadDecodeError, decode_content, record_http_payload
from .reader import (
    WarcReadError,
    final_filename,
    iter_records,
    read_record_at,
    resolve_warc_path,
    scan_records,
)
from .records import (
    HttpRequestData,
    HttpResponseData,
    build_exchange_records,
    build_metadata_record,
    build_request_record,
    build_response_record,
    build_revisit_record,
    build_warcinfo_record,
    new_record_id,
    warc_date_now,
)
from .writer import RecordLocation, RotatingWarcWriter

__all__ = [
    "CheckProblem",
    "CheckReport",
    "Damage",
    "HttpRequestData",
    "HttpResponseData",
    "PayloadDecodeError",
    "RecordLocation",
    "RotatingWarcWriter",
    "WarcReadError",
    "build_exchange_records",
    "build_metadata_record",
    "build_request_record",
    "build_response_record",
    "build_revisit_record",
    "build_warcinfo_record",
    "check_warc",
    "check_warcs",
    "decode_content",
    "final_filename",
    "iter_records",
    "new_record_id",
    "read_record_at",
    "record_http_payload",
    "resolve_warc_path",
    "scan_records",
    "warc_date_now",
]
