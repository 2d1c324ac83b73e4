"""minzu-archive: the library (WARC, extraction, SQLite). It never imports Scrapy or Twisted."""

__version__ = "0.2.0"
