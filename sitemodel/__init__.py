"""An offline model of www.56-china.com.cn served over real HTTP on loopback, for the demo and the tests.

``start_site_model()`` runs it; ``build_site()`` gives the same content as plain data, so a test can check a
crawl against what was served. Never imports Scrapy or Twisted and never opens an outgoing connection.
"""

from sitemodel.content import build_site
from sitemodel.model import HOST, ORIGIN, Article, Channel, Site
from sitemodel.server import ServedRequest, SiteModel, start_site_model

__all__ = [
    "HOST",
    "ORIGIN",
    "Article",
    "Channel",
    "ServedRequest",
    "Site",
    "SiteModel",
    "build_site",
    "start_site_model",
]
