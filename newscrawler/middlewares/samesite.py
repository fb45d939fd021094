"""Fetch nothing but the crawled site: links and redirects to another host,
or to another scheme than http(s), are refused and counted."""

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL; None for any other URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def same_site(url: str, site_url: str) -> bool:
    """Whether `url` is an http(s) URL on the origin of `site_url`."""
    here = origin(url)
    return here is not None and here == origin(site_url)


class OffsiteRefused(IgnoreRequest):
    """A request (a redirect, most often) that leaves the crawled site."""


class SameSiteMiddleware:
    """Refuses every request off the spider's ``base_url`` origin, the
    requests a redirect makes included (they pass here again). Splash's own
    URL (``SPLASH_URL``) is allowed for the requests the crawler sends it
    (scrapy-splash's, and the start-up ping), never for a redirect: a source
    must not reach Splash's script endpoints. Counts
    ``newscrawler/offsite/refused``."""

    def __init__(self, splash_url: str | None, stats):
        self.splash_url = splash_url
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("SPLASH_URL"), crawler.stats)

    def process_request(self, request, spider):
        site = getattr(spider, "base_url", None)
        if site is None or same_site(request.url, site):
            return None
        ours = "splash" in request.meta or request.meta.get("splash_ping")
        if self.splash_url and ours and "redirect_urls" not in request.meta and same_site(request.url, self.splash_url):
            return None
        self.stats.inc_value("newscrawler/offsite/refused")
        redirected = request.meta.get("redirect_urls")
        via = f" (redirected from {redirected[0]})" if redirected else ""
        logger.warning("Refused %s: not on the crawled site %s%s", request.url, site, via)
        raise OffsiteRefused(f"{request.url} is not on {site}")
