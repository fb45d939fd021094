"""The help text of the project's commands: the spiders and their
arguments, the settings a user changes most, the exit statuses. Built from
the spiders and the settings themselves, so it stays true."""

import argparse
import sys
import textwrap

from scrapy.commands import ScrapyHelpFormatter

from newscrawler.commands.startup import spider_classes

WIDTH = 79

# The settings `scrapy crawl --help` shows, with what each does; their
# values are read from the settings. Every setting is commented in
# newscrawler/settings.py.
COMMON_SETTINGS = {
    "OUTPUT_DIR": "where posts, category pages, items.jsonl and the store go",
    "SITE_URL": "host (and path) of the back links in each post",
    "SHARE_BASE_URL": "host of the share link in each post (None: the crawled base_url)",
    "BASE_URL": "site crawled when no -a base_url is given",
    "SPLASH_URL": "render share pages through this Splash (None: read the text endpoint)",
    "INCREMENTAL_STOP": "stop a walk at the last complete walk's first page",
    "FULL_WALK_EVERY": "seconds between walks that read every listing page",
    "RECHECK_REJECTED_AFTER": "seconds before a dropped article is fetched again",
    "RUN_SUMMARY_FILE": "JSON file that receives the run's summary",
    "ARCHIVE_AFTER_DAYS": "move posts older than this to old_post/ (None: never)",
    "REDIS_URL": "crawl on many workers sharing this Redis; `scrapy crawl writer` writes the site",
    "PUBLISH_GIT": "commit (and push) the run's posts into OUTPUT_DIR's git checkout",
    "LOG_LEVEL": "DEBUG also logs every request and item",
    "LOG_FILE": "write the log here instead of stderr",
    "JOBDIR": "folder that keeps a paused run's queue (Ctrl-C once, then run again)",
}

EXIT_STATUSES = (
    ("0", "the run finished"),
    ("1", "the run failed: a spider error, a page given up after its retries, an article "
          "that could not be written, a failed health check or publish, a stop (Ctrl-C); "
          "the log's ERROR lines say which"),
    ("2", "a wrong spider name or argument, or an output (OUTPUT_DIR, the store, a feed "
          "file) that cannot be written, found at start: one line, nothing fetched"),
)


class RawDescriptionFormatter(ScrapyHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Scrapy's headings, with the description and epilog as written."""


def _entry(term: str, text: str, indent: int = 2, column: int = 26) -> str:
    first = " " * indent + term
    lead = first.ljust(column) if len(first) < column else first + "\n" + " " * column
    return textwrap.fill(text, WIDTH, initial_indent=lead, subsequent_indent=" " * column)


def _summary(spidercls) -> str:
    doc = sys.modules[spidercls.__module__].__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def spiders_text(settings) -> str:
    lines = ["Spiders (scrapy crawl SPIDER) and their arguments (-a NAME=VALUE)"]
    for name, spidercls in spider_classes(settings).items():
        lines.append(_entry(name, _summary(spidercls)))
        for arg, (value, text) in getattr(spidercls, "ARGUMENTS", {}).items():
            lines.append(_entry(f"-a {arg}={value}", text, indent=4))
    return "\n".join(lines)


def settings_text(settings) -> str:
    lines = ["Settings users change most (-s NAME=VALUE; each is commented in newscrawler/settings.py)"]
    for name, text in COMMON_SETTINGS.items():
        lines.append(_entry(name, f"{text} (now: {settings.get(name)!r})"))
    return "\n".join(lines)


def exit_text() -> str:
    return "\n".join(["Exit status"] + [_entry(code, text) for code, text in EXIT_STATUSES])


def describe_crawl(parser: argparse.ArgumentParser, settings) -> None:
    """Put the spiders, settings and exit statuses in `scrapy crawl --help`."""
    parser.formatter_class = RawDescriptionFormatter
    parser.description = textwrap.fill(
        "Run a spider. It writes each article no run has written yet, once, into OUTPUT_DIR "
        "(_posts/, category/, items.jsonl) and remembers it in the store; -o/-O FILE also "
        "export the articles this run writes (only those: see `scrapy export` for every "
        "article written).", WIDTH)
    parser.epilog = "\n\n".join([spiders_text(settings), settings_text(settings), exit_text()])
