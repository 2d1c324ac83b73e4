"""A second site, defined the way a new site is: one module with a ``SITE``, no other edit anywhere.

It is served by the site model (the only site on loopback), but is a different site to the crawler: its own
name (so its own WARC prefix), user agent, start URL, and a narrower idea of what an article is.
"""

from archive.sites.base import SiteDefinition

SITE = SiteDefinition(
    name="toysite",
    host="www.56-china.com.cn",
    start_urls=("http://www.56-china.com.cn/show-case-1616.html",),
    article_path=r"/show-case-16\d\d\.html$",
    listing_path=r"/list-case-3-\d+\.html$",
    extraction_profile="generic",
    archive_title="Toy archive",
    archive_description="A second site definition, for the tests.",
    user_agent_comment="toy crawler for tests",
)
