"""HTML of the modelled pages: article pages follow the documented contract exactly, the rest are plausible.

The real site's HTML has never been seen here, so every tag and class name below (``div.position``,
``h1.title``, ``div.info``, ``div.content``, ``div.dingyue``, ``div.related``, ``ul.list``, ``div.pages``) is
our guess. Article pages are the contract between the model and extraction: change them only together with
the extraction rules. NBSP is written as ``&nbsp;`` (what a CMS editor emits, and GB2312 has no NBSP).

Links are relative (so a crawl begun at ``https://`` stays there), except where ``Options.http_links`` puts
the absolute ``http://`` form of a page, as old CMS templates do: the navigation's 首页 on every page and
the home page's 推荐阅读 link to the seed (in its 专题 block). Listing pages show a window of at most ten page numbers around the
current one plus 首页 / 上一页 / 下一页 / 尾页, the pager of many Chinese CMSs (PHPCMS among them); that the real
site pages this way is a guess.
"""

from __future__ import annotations

import datetime as dt
import html
from functools import lru_cache
from urllib.parse import quote

from sitemodel.model import ORIGIN, Article, Channel, Entry, Site

SITE_NAME = "中国民族杂志社"
KEYWORDS = "中国民族,民族团结,民族团结进步,铸牢中华民族共同体意识"
CENTERED = '<p style="text-align: center;">'
ATTACHMENT_LABEL = "订阅下载:"
PAGER_WINDOW = 10  # page numbers shown at most
TOPIC_LIMIT = 50  # articles on the topic page
FEED_PATH = "/rss.xml"


def esc(text: str) -> str:
    """Escape for HTML text and attributes, NBSP as an entity so GB2312 pages stay encodable."""
    return html.escape(text, quote=True).replace("\u00a0", "&nbsp;")


def href(path: str) -> str:
    """Link target for ``path``: non-ASCII percent-encoded as UTF-8 (as browsers and the real CMS do)."""
    return esc(quote(path, safe="/?&=%:"))


def render_article(site: Site, article: Article) -> str:
    channel = article.channel
    content = "\n".join(_render_block_lines(article))
    related = "".join(
        f'<li><a href="{r.path}">{esc(r.title)}</a><span>{r.date}</span></li>' for r in article.related
    )
    main = f"""<div class="main">
 <div class="position">您现在所在位置:<a href="/">首页</a> &gt; <a href="{channel.listing_path(1)}">{esc(channel.name)}</a></div>
 <div class="article">
  <h1 class="title">{esc(article.title)}</h1>
  <div class="info">发布日期:{article.date}</div>
  <div class="content">
{content}
  </div>
{_render_subscription(site)}
 </div>
 <div class="related"><h3>相关文章</h3><ul>{related}</ul></div>
</div>"""
    return _page(site, article.title, main, article.description, charset=meta_charset(article.encoding))


def meta_charset(encoding: str) -> str:
    """The charset label a page declares: GBK bytes are labelled gb2312, as old Chinese CMS pages do."""
    return "gb2312" if encoding == "gbk" else encoding


def _render_block_lines(article: Article) -> list[str]:
    lines = []
    for block in article.blocks:
        if block.kind == "image":
            lines.append(f'   {CENTERED}<img src="{block.src}" alt="{esc(block.text)}"></p>')
        elif block.kind == "caption":
            lines.append(f"   {CENTERED}{esc(block.text)}</p>")
        elif block.kind == "heading":
            lines.append(f"   <p><strong>{esc(block.text)}</strong></p>")
        else:
            lines.append(f"   <p>{esc(block.text)}</p>")
    for target, text in article.extra_links:
        lines.append(f'   <p>\u3000\u3000<a href="{href(target)}">{esc(text)}</a></p>')
    return lines


@lru_cache(maxsize=8)
def _render_subscription(site: Site) -> str:
    """The 欢迎订阅 block: first line bold, the attachment line linked, the last line the closing image's alt."""
    *lines, closing = site.subscription_lines
    rows = [f"   <p><strong>{esc(lines[0])}</strong></p>"]
    for line in lines[1:]:
        if line.startswith(ATTACHMENT_LABEL):
            label = line[len(ATTACHMENT_LABEL) :]
            rows.append(f'   <p>{ATTACHMENT_LABEL}<a href="{site.attachment_path}">{esc(label)}</a></p>')
        else:
            rows.append(f"   <p>{esc(line)}</p>")
    rows.append(f'   <p><img src="{site.subscription_image_path}" alt="{esc(closing)}"></p>')
    return '  <div class="dingyue">\n' + "\n".join(rows) + "\n  </div>"


def render_listing(site: Site, channel: Channel, page: int) -> str:
    per_page = site.per_page
    entries = site.channel_entries(channel)[(page - 1) * per_page : page * per_page]
    items = "\n".join(
        f'  <li><a href="{e.path}" title="{esc(e.title)}">{esc(e.title)}</a><span>{e.date}</span></li>'
        for e in entries
    )
    main = f"""<div class="main">
 <div class="position">您现在所在位置:<a href="/">首页</a> &gt; <a href="{channel.listing_path(1)}">{esc(channel.name)}</a></div>
 <ul class="list">
{items}
 </ul>
{_pagination(channel, page, site.page_count(channel))}
</div>"""
    title = channel.name if page == 1 else f"{channel.name}_第{page}页"
    return _page(site, title, main, f"{SITE_NAME}{channel.name}栏目文章列表")


def pager_numbers(page: int, pages: int, window: int = PAGER_WINDOW) -> range:
    """The page numbers a pager shows: ``window`` at most, the current one fifth from the left when it can."""
    start = min(max(1, page - window // 2 + 1), max(1, pages - window + 1))
    return range(start, min(pages, start + window - 1) + 1)


def _pagination(channel: Channel, page: int, pages: int) -> str:
    parts = [f'<a href="{channel.listing_path(1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{channel.listing_path(page - 1)}">上一页</a>')
    for n in pager_numbers(page, pages):
        parts.append(
            f'<span class="current">{n}</span>'
            if n == page
            else f'<a href="{channel.listing_path(n)}">{n}</a>'
        )
    if page < pages:
        parts.append(f'<a href="{channel.listing_path(page + 1)}">下一页</a>')
    parts.append(f'<a href="{channel.listing_path(pages)}">尾页</a>')
    return ' <div class="pages">' + "".join(parts) + "</div>"


def render_home(site: Site) -> str:
    latest = "\n".join(
        f'  <li><a href="{e.path}">{esc(e.title)}</a><span>{e.date}</span></li>' for e in site.latest(10)
    )
    boxes = []
    for channel in site.channels:
        top = "".join(
            f'<li><a href="{e.path}">{esc(e.title)}</a></li>' for e in site.channel_entries(channel)[:5]
        )
        boxes.append(
            f' <div class="box"><h2><a href="{channel.listing_path(1)}">{esc(channel.name)}</a>'
            f'<a class="more" href="{channel.listing_path(1)}">更多</a></h2><ul>{top}</ul></div>'
        )
    trouble = site.trouble
    seed = site.entry(1616)
    seed_title = esc(seed.title) if seed else "旧版文章"
    recommended = (
        f'\n  <a href="{ORIGIN}{trouble.old_url_target}">推荐阅读:{seed_title}</a>'
        if seed and site.options.http_links
        else ""
    )
    friends = [(trouble.offsite_links[0], "国家民族事务委员会")]
    friends += list(zip(trouble.private_links, ("内网办公系统", "内部邮箱"), strict=False))
    friend_links = "".join(f'<a href="{esc(url)}">{name}</a>' for url, name in friends)
    main = f"""<div class="main">
 <div class="focus"><h2>最新文章</h2><ul>
{latest}
 </ul></div>
{chr(10).join(boxes)}
 <div class="special"><a href="{href(trouble.topic_path)}">民族团结进步专题</a>
  <a href="{trouble.calendar_start}">往期回顾</a>
  <a href="{esc(trouble.old_url)}">{seed_title}(旧版链接)</a>{recommended}</div>
 <div class="links"><h3>友情链接</h3>{friend_links}</div>
 <div class="login"><a href="{trouble.disallowed_path}">管理登录</a></div>
</div>"""
    feed = f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="{FEED_PATH}">\n'
    return _page(site, None, main, "《中国民族》杂志官方网站", head_extra=feed)


def render_topic(site: Site) -> str:
    picked = topic_articles(site)
    items = "".join(f'<li><a href="{e.path}">{esc(e.title)}</a><span>{e.date}</span></li>' for e in picked)
    main = f"""<div class="main">
 <div class="position">您现在所在位置:<a href="/">首页</a> &gt; 专题</div>
 <h1 class="title">民族团结进步专题</h1>
 <p>本专题汇集本刊关于民族团结进步创建的报道。</p>
 <ul class="list">{items}</ul>
</div>"""
    return _page(site, "民族团结进步专题", main, "民族团结进步专题报道")


def topic_articles(site: Site) -> list[Entry]:
    """Articles the topic page links to, newest first (used by tests and for its Last-Modified)."""
    found = (e for e in site.latest(len(site.entries)) if "民族团结进步" in e.title)
    return [e for _, e in zip(range(TOPIC_LIMIT), found, strict=False)]


def render_calendar(site: Site, year: int, month: int) -> str:
    """The crawler trap: every month links to its neighbours, forever in both directions."""
    prev_month = dt.date(year, month, 1) - dt.timedelta(days=1)
    next_month = dt.date(year, month, 28) + dt.timedelta(days=4)
    prefix = f"{year:04d}-{month:02d}"
    items = "".join(f'<li><a href="{e.path}">{esc(e.title)}</a></li>' for e in site.entries_in_month(prefix))
    main = f"""<div class="main">
 <h1 class="title">往期回顾:{year}年{month}月</h1>
 <ul class="list">{items or "<li>本月暂无文章</li>"}</ul>
 <div class="pages"><a href="{calendar_path(prev_month)}">上个月</a><a href="{calendar_path(next_month)}">下个月</a></div>
</div>"""
    return _page(site, f"往期回顾 {year}年{month}月", main, "往期回顾")


def calendar_path(day: dt.date) -> str:
    return f"/calendar/{day.year:04d}-{day.month:02d}.html"


def render_error(status: int, message: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{status} {esc(message)}</title>'
        f"</head><body><h1>{status} {esc(message)}</h1></body></html>\n"
    )


def robots_txt(site: Site, origin: str = ORIGIN) -> str:
    """The disallowed admin path, and the sitemap index when the sitemap is switched on."""
    text = f"User-agent: *\nDisallow: {site.trouble.disallowed_path}\n"
    return text + (f"Sitemap: {origin}/sitemap.xml\n" if site.options.sitemap else "")


def _page(
    site: Site, title: str | None, main: str, description: str, charset: str = "utf-8", head_extra: str = ""
) -> str:
    full_title = f"{esc(title)}_{SITE_NAME}" if title else SITE_NAME
    home = f"{ORIGIN}/" if site.options.http_links else "/"
    nav = "".join(f'<li><a href="{c.listing_path(1)}">{esc(c.name)}</a></li>' for c in site.channels)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{full_title}</title>
<meta name="keywords" content="{KEYWORDS}"><meta name="description" content="{esc(description)}">
{head_extra}</head><body>
<div class="header"><a href="/"><img src="{site.logo_path}" alt="{SITE_NAME}"></a>
  <ul class="nav"><li><a href="{home}">首页</a></li>{nav}</ul></div>
{main}
<div class="footer"><p>版权所有 中国民族杂志社 京ICP备XXXXXXXX号</p><p>地址:北京市东城区和平里北街14号 邮编:100013</p></div>
</body></html>
"""
