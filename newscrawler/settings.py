"""Settings of newscrawler. Each names its default and why it is so."""

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"

# --- What to crawl -------------------------------------------------------
# Site to crawl when no `-a base_url=` is given: the replica's default port,
# so that a bare `scrapy crawl category` never hits a real host by surprise.
BASE_URL = "http://127.0.0.1:8000"
# Host written into each post's share link. None: the crawled base_url.
# The old system wrote "http://finews.zning.xyz".
SHARE_BASE_URL = None

# --- Where the output goes -----------------------------------------------
# The Jekyll site's content folder: _posts/, category/, items.jsonl and the
# dedupe store. Relative paths are relative to the working directory.
OUTPUT_DIR = "output"
# Host of the back links at the end of each post (no scheme: they are `//`).
SITE_URL = "finews.withounder.com"
# Media name -> slug, for names whose pinyin is wrong or unwanted.
# Default empty: pypinyin gets the names we have met right.
MEDIA_SLUGS = {}
# Dedupe store shared by every run and process writing one OUTPUT_DIR.
# None: sqlite:///OUTPUT_DIR/dedupe.sqlite3.
DEDUPE_STORE_URI = None
# Seconds a dropped or not-found article is skipped before it is fetched
# again (default a day): a source may fix an article, but a run every five
# minutes should not refetch its broken ones every time.
RECHECK_REJECTED_AFTER = 24 * 3600
# JSON file that receives the run summary (posts written, skipped, dropped).
# None: the summary is only logged.
RUN_SUMMARY_FILE = None

ITEM_PIPELINES = {
    "newscrawler.pipelines.validate.ValidatePipeline": 100,
    "newscrawler.pipelines.dedupe.DedupePipeline": 200,
    "newscrawler.pipelines.posts.MarkdownPostPipeline": 300,
    "newscrawler.pipelines.category_pages.CategoryPagePipeline": 400,
    "newscrawler.pipelines.jsonl.JsonLinesPipeline": 500,
    "newscrawler.pipelines.ledger.LedgerPipeline": 900,
}
EXTENSIONS = {
    "newscrawler.summary.RunSummary": 500,
}
# One line per dropped article instead of the whole item.
LOG_FORMATTER = "newscrawler.logformatter.OneLineDropFormatter"

# --- Politeness and robustness ------------------------------------------
# Obey robots.txt (Scrapy's project default): we crawl somebody's site.
ROBOTSTXT_OBEY = True
USER_AGENT = "newscrawler/0.1 (news mirror; Scrapy)"
# Scrapy's defaults (16 / 8): enough for a news site, gentle on it.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Retries of 5xx, timeouts and cut-off bodies (Scrapy default 2): a source
# that fails now and then should cost no article.
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 30
# Feeds (-o/-O/FEEDS) in UTF-8, not \u-escaped.
FEED_EXPORT_ENCODING = "utf-8"
