"""www.56-china.com.cn, the website of 《中国民族》 magazine (中国民族杂志社).

Article pages are ``/show-case-<id>.html`` (seen on real pages). The listing URL shape
``/list-case-<catid>-<page>.html`` is a guess (the real site's listings have not been seen here); the site
model serves that shape, and the completeness report and request priorities only use it as a hint.
"""

from __future__ import annotations

from archive.sites.base import SiteDefinition

SITE = SiteDefinition(
    name="minzu",
    host="www.56-china.com.cn",
    start_urls=(
        "https://www.56-china.com.cn/",
        # The article this project started from (channel 示范创建, 2018-05-18).
        "https://www.56-china.com.cn/show-case-1616.html",
    ),
    article_path=r"/show-[a-z]+-\d+\.html$",
    listing_path=r"/list-[a-z]+-\d+(-\d+)?\.html$",
    extraction_profile="56-china",
    archive_title="《中国民族》网站档案",
    archive_description=(
        "An archive of www.56-china.com.cn, the website of 《中国民族》 magazine, built from WARC files by "
        "minzu-archive."
    ),
    user_agent_comment="archival crawler of www.56-china.com.cn",
)
