"""`scrapy export -O FILE[:FORMAT]`: every article written so far, read from
OUTPUT_DIR/items.jsonl, in any feed format Scrapy writes (json, jsonlines,
csv, xml, marshal, pickle, and the project's jekyll bundle).

A crawl's -o/-O export only the articles that run writes; this command is
how to get everything already written, with the same exporters, fields
(FEED_EXPORT_FIELDS) and encoding as a crawl's feeds."""

import json
import sys
from pathlib import Path

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.utils.conf import feed_process_params_from_cli
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawler.commands.startup import fail
from newscrawler.items import ITEM_FIELDS


def same_file(path: Path, source: Path) -> bool:
    """Whether writing `path` would write `source` (the same name, a link)."""
    try:
        return path.resolve() == source.resolve() or (path.exists() and path.samefile(source))
    except OSError:
        return False


def written_items(path: Path):
    """The records of items.jsonl's complete lines (a line a killed writer
    left unfinished is not one)."""
    with open(path, "rb") as lines:
        for line in lines:
            if line.endswith(b"\n"):
                record = json.loads(line)
                yield {name: record[name] for name in ITEM_FIELDS if name in record}


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "[options] -O FILE[:FORMAT]"

    def short_desc(self):
        return "Export every article written so far (OUTPUT_DIR/items.jsonl) to a feed file"

    def long_desc(self):
        return (__doc__ or "").split("\n\n", 1)[0].replace("\n", " ")

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", action="append", default=[],
                            help="append the articles to FILE (- for stdout); FILE:FORMAT names the format")
        parser.add_argument("-O", "--overwrite-output", metavar="FILE", action="append", default=[],
                            help="write the articles to FILE, replacing it; FILE:FORMAT names the format")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if args or not (opts.output or opts.overwrite_output):
            raise UsageError("give the file(s) to write with -o FILE or -O FILE, and nothing else")
        cli_only = self.settings.copy()
        cli_only.set("FEEDS", {}, priority="cmdline")  # the files named here, not a crawl's FEEDS
        self.feeds = feed_process_params_from_cli(cli_only, opts.output, overwrite_output=opts.overwrite_output)

    def run(self, args, opts):
        source = Path(self.settings["OUTPUT_DIR"]) / "items.jsonl"
        if not source.is_file():
            fail(f"{source} does not exist: no article is written yet (or set -s OUTPUT_DIR=...)")
        for uri in self.feeds:
            if uri != "stdout:" and same_file(Path(uri.removeprefix("file://")), source):
                fail(f"{uri} is the items.jsonl being exported: write the export elsewhere")
        crawler = Crawler(scrapy.Spider, self.settings)
        for uri, options in self.feeds.items():
            try:
                count = self.export(crawler, source, uri, options)
            except OSError as exc:
                fail(f"cannot write {'stdout' if uri == 'stdout:' else uri}: {exc.strerror or exc}")
            except ValueError as exc:
                fail(f"{source} holds a line that is not JSON ({exc}): is it an items.jsonl?")
            where = "stdout" if uri == "stdout:" else uri
            print(f"Exported {count} articles from {source} to {where} ({options['format']})", file=sys.stderr)

    def export(self, crawler, source: Path, uri: str, options: dict) -> int:
        exporters = self.settings.getwithbase("FEED_EXPORTERS")
        kwargs = {"fields_to_export": self.settings.getlist("FEED_EXPORT_FIELDS") or None,
                  "encoding": self.settings.get("FEED_EXPORT_ENCODING")}
        if (indent := self.settings.get("FEED_EXPORT_INDENT")) is not None:
            kwargs["indent"] = indent
        if uri == "stdout:":
            return self._write(crawler, exporters[options["format"]], sys.stdout.buffer, source, kwargs)
        path = Path(uri.removeprefix("file://"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb" if options.get("overwrite") else "ab") as file:
            return self._write(crawler, exporters[options["format"]], file, source, kwargs)

    @staticmethod
    def _write(crawler, exporter_path: str, file, source: Path, kwargs: dict) -> int:
        exporter = build_from_crawler(load_object(exporter_path), crawler, file, **kwargs)
        exporter.start_exporting()
        count = 0
        for count, item in enumerate(written_items(source), 1):
            exporter.export_item(item)
        exporter.finish_exporting()
        return count
