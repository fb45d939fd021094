"""What `scrapy crawl` and `scrapy parse` check before anything starts: the
spider's name, its arguments, the output. A problem is one line on stderr and
exit status 2, before the log starts and before anything is fetched."""

import os
import sys
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from scrapy.utils.misc import load_object

from newscrawler.store import StoreError, open_store

# What a run writes in OUTPUT_DIR (besides the store), folders and files:
# each must be of its kind and writable before the crawl starts, or the run
# would fetch for nothing.
FOLDERS_IN_OUTPUT_DIR = ("_posts", "category", "old_post", "runs")
FILES_IN_OUTPUT_DIR = ("items.jsonl", "status.html")


def fail(message: str) -> NoReturn:
    """Stop the command with one line and exit status 2."""
    sys.stderr.write(f"scrapy: error: {message}\n")
    raise SystemExit(2)


def spider_classes(settings) -> dict:
    """The project's spiders, name -> class, sorted by name."""
    loader = load_object(settings["SPIDER_LOADER_CLASS"]).from_settings(settings.frozencopy())
    return {name: loader.load(name) for name in sorted(loader.list())}


def spider_class(settings, name: str):
    """The spider class called `name`; a wrong name fails in one line."""
    spiders = spider_classes(settings)
    if name not in spiders:
        fail(f"no spider named {name!r}: the spiders are {', '.join(spiders)}")
    return spiders[name]


def base_url_problem(spargs: dict, settings) -> str | None:
    # An empty -a base_url= (an empty shell variable) is not the default site.
    base = spargs["base_url"] if "base_url" in spargs else settings.get("BASE_URL")
    parts = urlsplit(str(base))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"base_url must be an http(s) URL such as http://127.0.0.1:8000, not {base!r}"
    return None


def output_problem(settings) -> str | None:
    """OUTPUT_DIR, what the run writes in it, and the store, checked."""
    output = Path(settings.get("OUTPUT_DIR"))
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"OUTPUT_DIR {output} cannot be created: {exc.strerror}"
    if not os.access(output, os.W_OK | os.X_OK):
        return f"OUTPUT_DIR {output} is not writable"
    for name in FOLDERS_IN_OUTPUT_DIR + FILES_IN_OUTPUT_DIR:
        path = output / name
        if problem := _kind_problem(path, folder=name in FOLDERS_IN_OUTPUT_DIR):
            return problem
    try:
        open_store(settings).close()
    except (StoreError, ValueError) as exc:
        return str(exc)
    return None


def _kind_problem(path: Path, folder: bool) -> str | None:
    if path.is_symlink() and not path.exists():
        return f"{path} is a broken symbolic link"
    if not path.exists():
        return None
    if folder and not path.is_dir():
        return f"{path} is not a folder"
    if not folder and not path.is_file():
        return f"{path} is not a regular file"
    if not os.access(path, os.W_OK | (os.X_OK if folder else 0)):
        return f"{path} is not writable"
    return None


def feed_problem(settings) -> str | None:
    """A local feed file (-o/-O, FEEDS) whose folder cannot hold it."""
    for uri in settings.getdict("FEEDS"):
        uri = str(uri)
        scheme = urlsplit(uri).scheme
        if uri == "-" or "%(" in uri or (scheme and scheme != "file" and len(scheme) > 1):
            continue  # stdout, a name made per run, or a remote storage
        path = Path(uri.removeprefix("file://"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # as the feed's storage will
        except FileExistsError:
            return f"feed {uri} cannot be written: {path.parent} is not a folder"
        except OSError as exc:
            return f"feed {uri} cannot be written: its folder cannot be created: {exc.strerror}"
        if path.is_dir():
            return f"feed {uri} is a folder, not a file"
        if not os.access(path if path.exists() else path.parent, os.W_OK):
            return f"feed {uri} is not writable"
    return None


def usage_problem(spidercls, spargs: dict, settings) -> str | None:
    """What is wrong with a run's spider arguments and outputs, in one line
    (None when nothing is)."""
    check = getattr(spidercls, "argument_problem", None)
    return (unknown_argument(spidercls, spargs) or (check(spargs) if check else None)
            or base_url_problem(spargs, settings) or cluster_times_problem(settings) or output_problem(settings)
            or feed_problem(settings) or alert_problem(settings) or cluster_problem(spidercls, settings))


def alert_problem(settings) -> str | None:
    """ALERT_TIMEOUT bounds each alert channel: a number of seconds that
    a thread can wait (0, a negative, inf or nan meant no alert, silently)."""
    raw = settings.get("ALERT_TIMEOUT")
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not 0 < seconds <= 24 * 3600:
        return f"ALERT_TIMEOUT must be seconds over 0 and at most a day, not {raw!r}"
    return None


def unknown_argument(spidercls, spargs: dict) -> str | None:
    """An -a NAME the spider does not take (a typo would be ignored, and
    the run do what the user did not ask). ``_job`` is Scrapyd's."""
    known = getattr(spidercls, "ARGUMENTS", None)
    if known is None:
        return None
    for name in spargs:
        if name not in known and name != "_job":
            return (f"the {spidercls.name} spider takes no argument {name!r}: it takes "
                    f"{', '.join(known) or 'none'} (scrapy crawl --help)")
    return None


def cluster_times_problem(settings) -> str | None:
    """With ``REDIS_URL``: the cluster's times, in seconds. 0 or less made
    every claim stale at once (taken from live workers); nan and inf are
    nothing a thread or Redis can wait."""
    if not settings.get("REDIS_URL"):
        return None
    for name, lowest in (("CLUSTER_HEARTBEAT_TTL", 1.0), ("CLUSTER_IDLE_CLOSE", 0.0)):
        raw = settings.get(name)
        try:
            seconds = float(raw)
        except (TypeError, ValueError):
            seconds = float("nan")
        if not lowest <= seconds <= 24 * 3600:
            return f"{name} must be seconds from {lowest:g} to a day, not {raw!r}"
    return None


def cluster_problem(spidercls, settings) -> str | None:
    """Many workers (``REDIS_URL``): Redis answers, the store is the same
    Redis, and the spider's own needs (the writer's lock)."""
    if url := settings.get("REDIS_URL"):
        from newscrawler.cluster.run import redis_client
        try:
            redis_client(url).ping()
        except Exception as exc:  # redis.RedisError, and a URL it cannot parse
            return f"REDIS_URL {url}: Redis does not answer ({exc})"
        store = settings.get("DEDUPE_STORE_URI")
        if store and not store.startswith(("redis://", "rediss://", "unix://")):
            return (f"DEDUPE_STORE_URI {store} with REDIS_URL: workers on other machines cannot share it; "
                    "leave DEDUPE_STORE_URI unset (the store is then REDIS_URL's Redis)")
    check = getattr(spidercls, "settings_problem", None)
    return check(settings) if check else None
