import logging

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.logformatter import OneLineDropFormatter
from newscrawler.pipelines.validate import InvalidArticle, ValidatePipeline
from newscrawler.spiders.category import CategorySpider
from tests.articles import article


@pytest.fixture
def pipeline():
    crawler = get_crawler(CategorySpider)
    crawler.stats.open_spider(None)
    return ValidatePipeline.from_crawler(crawler)


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"title": ""}, "no_title"),
        ({"title": None}, "no_title"),
        ({"published_at": None, "published_raw": "时间待定"}, "no_time"),
        ({"info_code": "NW 2022/bad"}, "bad_info_code"),
        ({"info_code": "../../etc/passwd"}, "bad_info_code"),
        ({"info_code": ""}, "bad_info_code"),
        ({"info_code": None}, "bad_info_code"),
        ({"info_code": "N" * 65}, "bad_info_code"),
        ({"info_code": "NW2022\n"}, "bad_info_code"),
        ({"info_code": "NW２０２２"}, "bad_info_code"),
        ({"body_html": ""}, "no_body"),
        ({"media": None}, "no_media"),
    ],
)
def test_each_drop_reason_is_counted(pipeline, overrides, reason):
    with pytest.raises(InvalidArticle) as raised:
        pipeline.process_item(article(**overrides), None)
    assert raised.value.reason == reason
    assert pipeline.stats.get_value(f"newscrawler/validate/dropped/{reason}") == 1
    assert pipeline.stats.get_value("newscrawler/validate/dropped") == 1


@pytest.mark.parametrize("code", ["NW202201182251444627", "a", "A-b_9", "N" * 64])
def test_valid_articles_pass_untouched(pipeline, code):
    item = article(info_code=code)
    assert pipeline.process_item(item, None) is item
    assert pipeline.stats.get_value("newscrawler/validate/dropped") is None


def test_drop_is_logged_in_one_line_without_the_item(tmp_path):
    crawler = get_crawler(CategorySpider, {"BASE_URL": "http://127.0.0.1:1", "OUTPUT_DIR": str(tmp_path)})
    spider = CategorySpider.from_crawler(crawler)
    exc = InvalidArticle("no_title", "the article and its listing have no title")
    entry = OneLineDropFormatter().dropped(article(title="", body_html="<p>" + "长" * 5000 + "</p>"), exc, None, spider)
    message = entry["msg"] % entry["args"]
    assert entry["level"] == logging.WARNING
    assert message == "Dropped article NW202201182251444627: no_title: the article and its listing have no title"


@pytest.mark.parametrize("level, shown", [("DEBUG", True), ("INFO", False), ("WARNING", False), (logging.DEBUG, True)])
def test_per_page_debug_lines_are_built_only_when_shown(level, shown):
    from scrapy import Request
    from scrapy.http import TextResponse

    crawler = get_crawler(CategorySpider, {"LOG_LEVEL": level})
    formatter = OneLineDropFormatter.from_crawler(crawler)
    response = TextResponse("http://127.0.0.1/x", body=b"{}", encoding="utf-8", request=Request("http://127.0.0.1/x"))
    assert (formatter.crawled(response.request, response, None) is not None) is shown
    assert (formatter.scraped(article(), response, None) is not None) is shown
