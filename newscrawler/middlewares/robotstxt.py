"""Scrapy's robots.txt middleware, with a one-line log when robots.txt
cannot be fetched (Scrapy's logs the whole traceback of, say, a refused
connection, which reads like a crash of the crawler)."""

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


class OneLineRobotsTxtMiddleware(RobotsTxtMiddleware):
    def _logerror(self, failure, request, spider):
        if failure.type is not IgnoreRequest:
            logger.warning("Could not fetch %s (%s): crawling as if it allowed everything",
                           request.url, failure.getErrorMessage())
            self.crawler.stats.inc_value("newscrawler/robotstxt/unavailable")
        return failure
