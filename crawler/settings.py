"""Scrapy settings for minzu-archive.

The defaults are for the real site (the default site definition, archive/sites/) and are polite: robots.txt obeyed, AutoThrottle on,
at most two requests at a time per host, a delay between requests. The demo (a site model on loopback)
overrides the delays in `crawler.runner.demo_settings`; nothing else changes between the two.
"""

from archive.sites import DEFAULT_SITE

BOT_NAME = "minzu-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Where `scrapy crawl minzu` and Scrapyd write, as `minzu-archive crawl` does.
ARCHIVE_DIR = "collections/site"

ADDONS = {"crawler.addon.ArchiveAddon": 0, "crawler.resilience.ResilienceAddon": 10}

# Which site definition the spider crawls (archive/sites/); `-s ARCHIVE_SITE=NAME` picks another.
ARCHIVE_SITE = DEFAULT_SITE.name
# USER_AGENT comes from the site definition (crawler/addon.py); set it here only to override that.
ROBOTSTXT_OBEY = True

# Politeness for the real site.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# A complete crawl: no hop count stops a long listing's pagination. Traps are recognised by their shape
# (crawler/traps.py). The page cap is a safety net ten times the real site's ~30,000 URLs: a crawl that hits
# it says so loudly and exits non-zero, since what it archived is incomplete.
DEPTH_LIMIT = 0
DEPTH_STATS_VERBOSE = False
ARCHIVE_SAFETY_MAX_RESPONSES = 300_000
CLOSESPIDER_PAGECOUNT = ARCHIVE_SAFETY_MAX_RESPONSES
# The frontier and the seen-URL set live on disk (JOBDIR, set per collection by the runner): memory stays flat
# however large the site. First in, first out within a priority; the spider ranks an article's images
# before articles, and articles before the next listing page, which keeps the frontier short.
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 2

# One crawl at a time writes into one collection; logging stays readable.
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
