"""FLOOR, not part of the crawler: the cost of Scrapy itself on this machine.

A bare Scrapy spider that requests the same pages as the `category` spider
(index, every listing page, every article's text endpoint) with the same
concurrency, CONCURRENT_ITEMS and reactor, and does nothing with them: no
parsing beyond the links, no item, no file. No spider built on Scrapy's
downloader can be faster than this; `make bench` prints it beside the
crawler.

    python -m bench.scrapy_floor BASE_URL CONCURRENT_REQUESTS
"""

import json
import re
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

from newscrawler import settings as project

_CODE = re.compile(r'data-infocode="([^"]*)"')


class FloorSpider(scrapy.Spider):
    name = "floor"

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url

    def start_requests(self):
        yield scrapy.Request(self.base_url + "/category/", self.parse_index)

    def parse_index(self, response):
        for href in response.css("#categories li a::attr(href)").getall():
            yield response.follow(href, self.parse_listing)

    def parse_listing(self, response):
        for code in _CODE.findall(response.text):
            yield scrapy.Request(f"{self.base_url}/NewsData/GetNewsText.do?id={code}", self.parse_article,
                                 priority=10, dont_filter=True)
        if following := response.css(".pager a.next::attr(href)").get():
            yield response.follow(following, self.parse_listing)

    def parse_article(self, response):
        self.crawler.stats.inc_value("floor/articles")
        return ()


def main(base: str, concurrency: int) -> dict:
    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING",
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_ITEMS": project.CONCURRENT_ITEMS,
        "TWISTED_REACTOR": project.TWISTED_REACTOR,
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
    })
    crawler = process.create_crawler(FloorSpider)
    process.crawl(crawler, base_url=base.rstrip("/"))
    process.start()
    stats = crawler.stats
    return {"articles": stats.get_value("floor/articles", 0),
            "requests": stats.get_value("downloader/request_count", 0)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
