"""Scrapy settings for minzu-archive.

The defaults are for the real site, www.56-china.com.cn, and are polite: robots.txt obeyed, AutoThrottle on,
at most two requests at a time per host, a delay between requests. The demo (a site model on loopback)
overrides the delays in `crawler.runner.demo_settings`; nothing else changes between the two.
"""

from archive import __version__

BOT_NAME = "minzu-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Where `scrapy crawl minzu` and Scrapyd write, as `minzu-archive crawl` does.
ARCHIVE_DIR = "collections/site"

ADDONS = {"crawler.addon.ArchiveAddon": 0, "crawler.resilience.ResilienceAddon": 10}

USER_AGENT = f"minzu-archive/{__version__} (archival crawler of www.56-china.com.cn)"
ROBOTSTXT_OBEY = True

# Politeness for the real site.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Scope and caps: a crawler trap (an endless calendar, say) ends at the depth cap.
DEPTH_LIMIT = 8
CLOSESPIDER_PAGECOUNT = 5000
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 2

# One crawl at a time writes into one collection; logging stays readable.
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
