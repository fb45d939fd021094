"""`scrapy check` that needs nothing running: it starts the bundled replica
(with the seed article) on a free port and checks every callback's
contracts against it. Each spider gets a store and an OUTPUT_DIR of its own
in a temporary folder: the check never touches OUTPUT_DIR, and one spider's
claims never hide an article from another's contracts. The project's
end-of-run extensions are off: a check is no run."""

import tempfile
from pathlib import Path

from scrapy.commands.check import Command as ScrapyCheckCommand

from newscrawler.commands.startup import spider_class
from newscrawler.contracts import check_corpus
from newscrawler.replica import ReplicaServer


class Command(ScrapyCheckCommand):
    def short_desc(self):
        return "Check the spiders' contracts against the bundled replica, which it starts"

    def process_options(self, args, opts):
        super().process_options(args, opts)
        for name in args:
            spider_class(self.settings, name)  # a wrong name: one line, exit 2

    def run(self, args, opts):
        if opts.list:
            return super().run(args, opts)
        with tempfile.TemporaryDirectory(prefix="newscrawler-check-") as folder, \
                ReplicaServer(check_corpus()) as replica:
            self.settings.set("BASE_URL", replica.url, priority="cmdline")
            self.settings.set("DEDUPE_STORE_URI", None, priority="cmdline")
            self.settings.set("EXTENSIONS", {}, priority="cmdline")
            self._crawl_in_own_folders(Path(folder))
            return super().run(args, opts)

    def _crawl_in_own_folders(self, folder: Path) -> None:
        process, crawl = self.crawler_process, self.crawler_process.crawl

        def crawl_in_own_folder(spidercls, *args, **kwargs):
            crawler = process.create_crawler(spidercls)
            crawler.settings.set("OUTPUT_DIR", str(folder / crawler.spidercls.name), priority="cmdline")
            return crawl(crawler, *args, **kwargs)

        process.crawl = crawl_in_own_folder
