"""An offline model of www.56-china.com.cn served over real HTTP and HTTPS on loopback, for demo and tests.

``start_site_model()`` runs it; ``build_site()`` gives the same content as plain data and
``build_manifest()`` what one version serves as JSON-ready data, so a test can check a crawl against what
was served. The default site has 40 articles; ``articles=N`` builds a site of any size from an index, with
pages generated on request (see docs/sitemodel.md). Never imports Scrapy or Twisted and never opens an
outgoing connection.
"""

from sitemodel.content import build_site
from sitemodel.manifest import build_manifest
from sitemodel.model import HOST, HTTPS_ORIGIN, ORIGIN, Article, Channel, Entry, Options, Site
from sitemodel.server import ServedRequest, SiteModel, start_site_model

__all__ = [
    "HOST",
    "HTTPS_ORIGIN",
    "ORIGIN",
    "Article",
    "Channel",
    "Entry",
    "Options",
    "ServedRequest",
    "Site",
    "SiteModel",
    "build_manifest",
    "build_site",
    "start_site_model",
]
