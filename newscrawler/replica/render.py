"""The replica's pages, rendered from the corpus."""

import hashlib
import html
import json
import re
from datetime import datetime
from urllib.parse import quote

from newscrawler.replica.corpus import BEIJING, Corpus, Record

SHARE_PAGE_PATH = "/html_News/NewsShare.html"


def _pick(key: str, options: list):
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    return options[digest[0] % len(options)]


def listing_time(record: Record, now: datetime) -> str:
    """The record's time as a listing shows it: relative when recent."""
    if record.listing_time is not None:
        return record.listing_time
    t = record.published
    now = now.astimezone(BEIJING)
    seconds = (now - t).total_seconds()
    shapes = [f"{t:%Y-%m-%d %H:%M}", f"{t:%Y/%m/%d %H:%M}", f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"]
    if seconds < 60:
        shapes = ["刚刚"]
    elif seconds < 3600:
        shapes.append(f"{int(seconds // 60)}分钟前")
    elif seconds < 86400:
        shapes.append(f"{int(seconds // 3600)}小时前")
    if t.date() == now.date():
        shapes.append(f"今天 {t:%H:%M}")
    elif (now.date() - t.date()).days == 1:
        shapes.append(f"昨天 {t:%H:%M}")
    if t.year == now.year and seconds >= 3600:
        shapes.append(f"{t:%m-%d %H:%M}")
    return _pick(record.info_code, shapes)


def category_index(corpus: Corpus) -> str:
    links = [(f"/category/{quote(c.cid)}.html", c.name) for c in corpus.categories.values()]
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(name)}</a></li>'
        for href, name in links + corpus.index_extra
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>新闻分类</title></head>'
        f'<body><h1>新闻分类</h1><ul id="categories">{items}</ul></body></html>'
    )


def listing_page(corpus: Corpus, cid: str, page: int, now: datetime, meta_charset: str = "utf-8") -> str:
    category = corpus.categories[cid]
    rows = []
    for record in corpus.listing(cid, page):
        rows.append(
            f'  <li data-infocode="{html.escape(record.info_code)}">\n'
            f'    <a class="title" href="{SHARE_PAGE_PATH}?infoCode={quote(record.info_code, safe="")}">'
            f"{record.listing_title}</a>\n"
            f'    <span class="time">{html.escape(listing_time(record, now))}</span>\n'
            "  </li>\n"
        )
    pager = ""
    if corpus.has_next(cid, page):
        href = category.next_href or f"/category/{quote(cid)}.html?page={page + 1}"
        pager = f'<div class="pager"><a class="next" href="{html.escape(href)}">下一页</a></div>'
    return (
        f'<!DOCTYPE html><html><head><meta charset="{meta_charset}"><title>{html.escape(category.name)}</title>'
        '<style>.news-list li{margin:4px 0}</style></head><body>\n'
        f'<h1 class="category-name">{html.escape(category.name)}</h1>\n'
        f'<ul class="news-list">\n{"".join(rows)}</ul>\n{pager}\n</body></html>'
    )


# ES5 only (no fetch, URLSearchParams, arrow functions, let/const): Splash's
# default engine, QtWebKit, runs nothing newer.
SHARE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>资讯</title></head>
<body>
<h1 id="title"></h1>
<div class="info"><span id="showtime"></span> <span id="medianame"></span></div>
<div id="newsContent"></div>
<script type="text/javascript">
(function () {
  function param(name) {
    var pairs = window.location.search.replace(/^\\?/, "").split("&");
    for (var i = 0; i < pairs.length; i++) {
      var kv = pairs[i].split("=");
      if (decodeURIComponent(kv[0]) === name) {
        return decodeURIComponent((kv[1] || "").replace(/\\+/g, " "));
      }
    }
    return "";
  }
  function text(id, value) {
    var el = document.getElementById(id);
    el.textContent = value === null || value === undefined ? "" : String(value);
  }
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "/NewsData/GetNewsText.do?id=" + encodeURIComponent(param("infoCode")), true);
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 4) { return; }
    var data;
    try { data = JSON.parse(xhr.responseText); } catch (e) { data = {code: -1}; }
    if (data.code !== 0) {
      text("title", "");
      document.getElementById("newsContent").setAttribute("data-error", String(data.code));
      return;
    }
    text("title", data.title);
    text("showtime", data.showtime);
    text("medianame", data.medianame);
    document.getElementById("newsContent").innerHTML = data.text || "";
    document.body.setAttribute("data-loaded", "1");
  };
  xhr.send(null);
})();
</script>
</body></html>
"""


def feed_time(record: Record) -> str:
    """The record's time as the JSON feeds give it (its fixed listing time,
    if it has one: a record with no time has none in the feeds either)."""
    return record.listing_time or f"{record.published:%Y-%m-%d %H:%M:%S}"


def media_feed(corpus: Corpus, count: int) -> dict:
    return {"nodeList": [
        {"infocode": r.info_code, "title": r.title, "from": r.media,
         "showtime": feed_time(r)}
        for r in corpus.newest(count)
    ]}


def market_feed(corpus: Corpus, market_type: int, count: int) -> dict:
    records = [r for r in corpus.newest(len(corpus.records)) if 37 + r.published.second % 3 == market_type]
    return {"record": [
        {"infoCode": r.info_code, "title": r.title, "medianame": r.media,
         "datetime": feed_time(r)}
        for r in records[:count]
    ]}


def rolling_feed(corpus: Corpus, count: int) -> dict:
    """东财滚动新闻: each record's digest opens with its title in 【】 (unless
    the record sets its own id, digest or url_w)."""
    records = []
    for r in corpus.newest(count):
        number = "".join(ch for ch in r.info_code if ch.isdigit()) or "0"
        summary = re.sub(r"<[^>]+>", "", r.clean_paragraphs[0]) if r.clean_paragraphs else ""
        derived_id = str(int(hashlib.sha1(r.info_code.encode("utf-8")).hexdigest()[:12], 16))
        records.append({
            "id": derived_id if r.rolling_id is None else r.rolling_id,
            "infoCode": r.info_code,
            "title": r.title,
            "digest": f"【{r.clean_title}】{html.unescape(summary)}" if r.digest is None else r.digest,
            "showtime": feed_time(r),
            "url_w": f"http://finance.eastmoney.com/a/{number}.html" if r.url_w is None else r.url_w,
        })
    return {"records": records}


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
