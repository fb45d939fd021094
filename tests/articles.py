"""Items for unit tests."""

from newscrawler.items import NewsArticle


def article(**overrides) -> NewsArticle:
    fields = dict(
        info_code="NW202201182251444627",
        title="五大举措支撑保障聊城经济稳定发展",
        published_at="2022-01-18T09:52:28+08:00",
        published_raw="2022-01-18 09:52:28",
        media="大众日报",
        category="dazhongribao",
        body_html="<p>正文</p>",
        body_text="正文",
        share_url="http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202201182251444627",
        source="http://127.0.0.1:8000",
        crawled_at="2026-11-25T14:00:00+00:00",
    )
    fields.update(overrides)
    return NewsArticle(**fields)
