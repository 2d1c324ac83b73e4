"""WARC layer: build records from plain values, write them to rotating files, read and check them.

The crawler's recorder builds records with ``records`` and writes them with ``RotatingWarcWriter``;
ingest reads them back with ``iter_records`` / ``read_record_at``. Nothing here knows about Scrapy.

The package imports none of its modules: a reader (an ingest worker) loads neither the writer nor the
checks, and each user imports the module it needs.
"""
