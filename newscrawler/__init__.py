"""newscrawler: mirror Chinese financial news into a Jekyll site."""

import warnings

# scrapy-splash 0.11.1 predates Scrapy 2.13's start() and get_slot_key();
# it works (DEVELOPERS.md), and its deprecation warnings would drown the log.
for _message in (
    r"Use of this protected method is deprecated",
    r"The following enabled spider middlewares.*SplashDeduplicateArgsMiddleware",
    r".*defines the deprecated start_requests\(\) method",
    r"The scrapy.utils.url.canonicalize_url function is deprecated",
):
    warnings.filterwarnings("ignore", message=_message)
