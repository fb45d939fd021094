"""`scrapy parse URL` for every page of the source, without -c: the spider
is picked by the URL when --spider is not given, its ``parse`` picks the
callback, ``-a base_url`` defaults to the URL's site, and the command exits
1 when it fails (no page downloaded, an error logged, a spider error).

A parse is no run: the project's extensions (archive, publish, health,
summary, monitors) are off, and the spider gives back at its close whatever
it claimed in the store, as every run does."""

import logging
from urllib.parse import urlsplit

from scrapy.commands.parse import Command as ScrapyParseCommand
from w3lib.url import is_url

from newscrawler.commands.startup import fail, spider_class, spider_classes, usage_problem
from newscrawler.spiders.routes import page_kind

logger = logging.getLogger(__name__)


def spider_for(url: str, settings):
    """The first spider (by name) that reads the kind of page `url` is."""
    kind = page_kind(url)
    for spidercls in spider_classes(settings).values():
        if kind in getattr(spidercls, "CALLBACKS", {}):
            return spidercls
    fail(f"no spider reads {url}: it is none of the source's pages (SOURCE.md); "
         "name one with --spider and its callback with -c")


class Command(ScrapyParseCommand):
    def process_options(self, args, opts):
        super().process_options(args, opts)
        # Not a run: none of the project's end-of-run extensions (the
        # project's EXTENSIONS outrank a command's default settings).
        self.settings.set("EXTENSIONS", {}, priority="cmdline")
        if len(args) != 1 or not is_url(args[0]):
            return  # Scrapy's usage error
        url = args[0]
        spidercls = spider_class(self.settings, opts.spider) if opts.spider else spider_for(url, self.settings)
        opts.spider = spidercls.name
        parts = urlsplit(url)
        opts.spargs.setdefault("base_url", f"{parts.scheme}://{parts.netloc}")
        if problem := usage_problem(spidercls, opts.spargs, self.settings):
            fail(problem)

    def run(self, args, opts):
        super().run(args, opts)
        crawler = getattr(self, "pcrawler", None)
        stats = crawler.stats.get_stats() if crawler and crawler.stats else {}
        errors = stats.get("log_count/ERROR", 0) + sum(
            v for k, v in stats.items() if k.startswith("spider_exceptions/"))
        if not self.first_response or errors or stats.get("finish_reason") != "finished":
            self.exitcode = 1
