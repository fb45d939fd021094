"""Settings of newscrawler. Each names its default and why it is so."""

from newscrawler.items import ITEM_FIELDS

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
# Rolling news (the `rolling` spider): its posts' media name (the tag is
# "{media}新闻") and category, as the old system wrote them.
ROLLING_MEDIA = "东财滚动"
ROLLING_CATEGORY = "emnews"
# Dedupe store shared by every run and process writing one OUTPUT_DIR.
# None: sqlite:///OUTPUT_DIR/dedupe.sqlite3. redis://, rediss:// or unix://
# URIs: one Redis shared by workers on several hosts (no shared disk needed).
DEDUPE_STORE_URI = None
# With a Redis store: this process's role, "crawl" (a worker) or "write"
# (the one process writing the files). Default "crawl": a process settles
# only the stale claims of its own role, and only the writer has the files.
CLUSTER_ROLE = "crawl"
# With a Redis store: the prefix of its keys. Default "newscrawler"; give
# each site sharing one Redis a name of its own.
REDIS_NAMESPACE = "newscrawler"
# With a Redis store: seconds a process's heartbeat lasts (renewed every
# third of it). Default 30: a killed process's claims are stale within 30 s,
# and a Redis hiccup shorter than that is no death.
CLUSTER_HEARTBEAT_TTL = 30
# Move posts older than this many days from _posts/ to old_post/ at the end
# of each run. None: never (the old system kept 3 days in _posts/).
ARCHIVE_AFTER_DAYS = None
# Commit the run's files into the git checkout that holds OUTPUT_DIR (one
# commit per run, "newscrawler: add N posts") and push when it has a remote.
# Off by default: it writes to somebody's repository.
PUBLISH_GIT = False
PUBLISH_PATHS = ["_posts", "old_post", "category"]
PUBLISH_PUSH = True
PUBLISH_AUTHOR = "newscrawler <newscrawler@localhost>"
# A run fails (exit status 1, an ERROR line) when more than this share of
# its articles were dropped, counting only runs with HEALTH_MIN_DROPS drops
# or more: a few broken articles are normal, a fifth means the source changed.
HEALTH_MAX_DROP_RATE = 0.2
HEALTH_MIN_DROPS = 5
# A run also fails when more than this share of the articles it requested
# came back not found (HEALTH_MIN_DROPS of them or more). Default a half:
# sources remove a few articles, but when most of what the listings show is
# "gone", the text endpoint has changed (a new URL, new codes), not the news.
HEALTH_MAX_NOT_FOUND_RATE = 0.5
# Both rates count the articles of this many runs of the same source, this
# one included (from the runs' history): a run every five minutes sees a
# few articles, and a source that drops or loses all of them must fail too,
# not stay under HEALTH_MIN_DROPS forever. A run with no drop (no
# not-found) passes its check whatever the runs before it saw. Default 12:
# an hour of runs.
HEALTH_WINDOW = 12

# --- Monitors and alerts (Spidermon) -------------------------------------
# Spidermon runs the checks of newscrawler/monitors/ at the end of every
# run, and some of them every SPIDERMON_PERIODIC_MONITORS seconds during
# it. SPIDERMON_ENABLED is not set here (Spidermon's default: off):
# `scrapy crawl` turns it on (commands/crawl.py), so `scrapy parse` and
# friends are neither judged nor recorded as runs. Set it False here or
# with -s to run without monitors, history and status page.
# The checks at the end of each run: they decide whether it failed.
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawler.monitors.suites.EndOfRun"]
# Every 5 minutes of a long run (a first crawl of a big source takes
# hours): errors, pages given up and a Splash outage are alerted when they
# happen, not hours later. Each failure is alerted once either way.
SPIDERMON_PERIODIC_MONITORS = {"newscrawler.monitors.suites.DuringRun": 300}
# The runs' history (Spidermon's stats history): each run's stats, kept in
# OUTPUT_DIR/runs/<spider>.history, read by the checks that compare a run
# with the runs before it and drawn by the status page. 900 runs: three days
# of a run every five minutes (STATUS_DAYS), about 2 MB.
STATS_CLASS = "newscrawler.monitors.history.RunHistory"
SPIDERMON_MAX_STORED_STATS = 900
# A run fails when the title, time or body is empty in more than this share
# of its articles (HEALTH_MIN_DROPS of them or more): the validator drops
# such articles one by one; many at once mean the source's layout changed.
MONITOR_MIN_FIELD_COVERAGE = 0.8
# Alert (without failing the run) when a run writes under this share of the
# usual posts of its source: the median of its last MONITOR_USUAL_RUNS runs
# (3 at least), when that median is MONITOR_MIN_USUAL_WRITTEN or more. A
# run every five minutes writes a few posts, and none at night: the check
# speaks only for sources that usually bring many, gone nearly silent.
MONITOR_MIN_WRITTEN_SHARE = 0.25
MONITOR_USUAL_RUNS = 12
MONITOR_MIN_USUAL_WRITTEN = 10
# Alerts: one when a check starts failing, one when it recovers (the
# failures alerted are kept in OUTPUT_DIR/runs/). Off unless one of these
# is set. E-mail through Spidermon's e-mail action over SMTP: recipients,
# sender, and the SMTP server (default a local relay on port 25, no login;
# USER/PASSWORD log in, ENFORCE_TLS uses STARTTLS, ENFORCE_SSL SMTPS).
SPIDERMON_EMAIL_TO = []
SPIDERMON_EMAIL_SENDER = "newscrawler@localhost"
SPIDERMON_SMTP_HOST = "localhost"
SPIDERMON_SMTP_PORT = 25
SPIDERMON_SMTP_USER = None
SPIDERMON_SMTP_PASSWORD = None
SPIDERMON_SMTP_ENFORCE_TLS = False
SPIDERMON_SMTP_ENFORCE_SSL = False
# A URL that receives each alert as a JSON POST (its "text" as a chat
# message). None: no webhook.
ALERT_WEBHOOK_URL = None
# Seconds an alert may take to be sent, per channel: an SMTP server or a
# webhook that hangs must not hold the run.
ALERT_TIMEOUT = 30
# The status page (OUTPUT_DIR/status.html, a page of the site): the runs of
# the last this many days, their posts per source drawn over time.
STATUS_DAYS = 3
# Scrapy's telnet console lets anyone on the host who reads the log's
# password into the running crawler: off, unless asked for (-s
# TELNETCONSOLE_ENABLED=True).
TELNETCONSOLE_ENABLED = False

# Stop walking a category at its watermark: the first page holding an
# article of the first page of the last complete walk, with nothing new
# after it (listings are newest first; see newscrawler/walks.py). A run with
# nothing new then costs one listing page per category. False: walk every
# page every run (after a source fix, to recheck rejected articles).
INCREMENTAL_STOP = True
# Pages one category walk reads at most (a warning and the stat
# newscrawler/listing/page_limit when reached): a listing whose "next"
# link never ends must not hold a run forever. 1000 pages is 20,000
# articles, deeper than the real categories go.
CATEGORY_MAX_PAGES = 1000
# Seconds between full walks of a category, which ignore the watermark and
# read every page (articles already known are not fetched: it costs only
# listing pages). They find what an incremental walk cannot see: an article
# that moved up a page while a walk ran (one above it deleted), one
# inserted below the watermark, a rejected one due for its recheck. Default
# a day; 0: only the first walk of a category is full.
FULL_WALK_EVERY = 24 * 3600
# Runs in a row that give up on one article (after their retries) before
# it is dropped as failed_repeatedly and skipped like any rejected one: a
# page that always answers 403, or nothing, should not fail every run
# forever, while an outage of a few runs costs nothing. 0: never.
ARTICLE_MAX_FAILED_RUNS = 5
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
# Every middleware costs time on every request (the bench shows it): the
# ones a JSON-and-listings crawl has no use for are off.
DOWNLOADER_MIDDLEWARES = {
    # First: nothing off the crawled site is fetched, redirects included.
    "newscrawler.middlewares.samesite.SameSiteMiddleware": 10,
    "newscrawler.middlewares.backoff.RetryBackoffMiddleware": 50,
    # Scrapy's, logging an unreachable robots.txt in one line, not a traceback.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawler.middlewares.robotstxt.OneLineRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # Listings are walked by their "next" links, not by depth: DEPTH_LIMIT
    # has no use here, and the middleware wraps every callback's output.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}
# scrapy-splash's middlewares, dupefilter, cache storage and fingerprinter,
# configured as its README says, but only when SPLASH_URL is set.
# Splash's, then the cluster's (with REDIS_URL), whose filter wins.
ADDONS = {"newscrawler.addons.SplashAddon": 0, "newscrawler.cluster.addon.ClusterAddon": 10}
# The project's commands (newscrawler/commands/): `scrapy crawl` that checks
# its arguments at start and exits 1 when a run fails, `scrapy parse` that
# picks the callback by the URL, `scrapy check` that starts the replica it
# checks against, `scrapy export`.
COMMANDS_MODULE = "newscrawler.commands"
# The contracts of the callbacks' docstrings, beside Scrapy's own
# (newscrawler/contracts/): @site, @rendered, @fills, @follows.
SPIDER_CONTRACTS = {
    "newscrawler.contracts.SiteContract": 10,
    "newscrawler.contracts.RenderedContract": 20,
    "newscrawler.contracts.FillsContract": 30,
    "newscrawler.contracts.FollowsContract": 40,
}

# At the end of a run, in this order: archive old posts, publish to git,
# run the monitors (the verdict, the alerts), write the status page, then
# log the summary (signal handlers run in the order they connect). The
# field coverage counter counts the articles as they leave the pipelines.
EXTENSIONS = {
    "newscrawler.extensions.archive.ArchiveOldPosts": 100,
    "newscrawler.extensions.publish.GitPublisher": 200,
    "newscrawler.extensions.coverage.FieldCoverage": 250,
    "newscrawler.monitors.extension.Monitoring": 300,
    "newscrawler.extensions.status.StatusPage": 400,
    "newscrawler.extensions.summary.RunSummary": 500,
}
# Twisted's own reactor for the platform (epoll on Linux), not Scrapy's
# default asyncio one: nothing here awaits asyncio, and bridging Scrapy's
# coroutines through asyncio futures cost ~15% of the CPU of a crawl
# (make bench). Set the asyncio reactor back if you add asyncio code.
TWISTED_REACTOR = None
# INFO, not Scrapy's DEBUG: DEBUG logs every request and every item, over a
# hundred MB for a full crawl; INFO keeps the drops, the give-ups and the
# summary. -L DEBUG (or -s LOG_LEVEL=DEBUG) to see each request.
LOG_LEVEL = "INFO"
# One line per dropped article instead of the whole item.
LOG_FORMATTER = "newscrawler.logformatter.OneLineDropFormatter"

# --- Politeness and robustness ------------------------------------------
# Obey robots.txt (Scrapy's project default): we crawl somebody's site.
ROBOTSTXT_OBEY = True
USER_AGENT = "newscrawler/0.1 (news mirror; Scrapy)"
# Scrapy's defaults (16 / 8): enough for a news site, gentle on it.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Items processed in parallel per response (Scrapy's default 100). An
# article's callback yields one item and a listing's only requests, and the
# pipelines are synchronous: more slots buy nothing, and each costs CPU on
# every response (100 slots cost a third of a crawl's CPU).
CONCURRENT_ITEMS = 1
# Retries of 5xx, timeouts and cut-off bodies (Scrapy default 2): a source
# that fails now and then should cost no article.
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 30
# An article is ~10 KB and a listing ~5 KB: a page over 16 MB is broken or
# hostile, and is given up (Scrapy's default would read 1 GB).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Wait before each retry: RETRY_BACKOFF_BASE * 2**(n-1) seconds, at most
# RETRY_BACKOFF_MAX, with jitter. A source that is down for a moment gets
# a moment; 0 turns backoff off.
RETRY_BACKOFF_BASE = 0.5
RETRY_BACKOFF_MAX = 20

# --- Splash (off by default) ---------------------------------------------
# Render share pages through Splash's render.html at this URL (e.g.
# http://127.0.0.1:8050). None: read articles from the text endpoint, which
# gives the same items without a browser.
SPLASH_URL = None
# Seconds Splash waits after the page loads, for the page's script to fetch
# and fill in the article. 0.5 is ample on a LAN; raise it for a slow source.
SPLASH_WAIT = 0.5
# Splash's own render timeout, seconds (Splash's default is 30).
SPLASH_TIMEOUT = 30
# Retries of a page Splash fails to render (timeout, 503 slots full, down)
# before that page is read from the text endpoint instead.
SPLASH_RETRIES = 2
# Splash failures in a row (any pages) after which Splash is taken for
# down: one WARNING, articles read from the text endpoint (nothing lost;
# the monitors alert), one page tried through Splash again every
# SPLASH_RETRY_AFTER seconds until it renders. Without it a dead Splash
# cost every article its retries and an ERROR line. 0: never.
SPLASH_BREAKER_FAILURES = 3
SPLASH_RETRY_AFTER = 30

# --- Many machines (scrapy-redis; README, "Many machines") --------------
# A Redis shared by every worker of the crawl (redis://host:6379/0). None:
# one machine, the SQLite store. Set, a `scrapy crawl category` is a worker
# of the run (newscrawler/cluster/) and `scrapy crawl writer` the one
# process that writes the site.
REDIS_URL = None
# The run the worker joins: the workers started for one crawl must share
# it (the scheduler gives one per tick). None: the run Redis calls current,
# or a new one; a run is over once its workers have left.
CLUSTER_RUN = None
# Seconds the run's queue stays empty, and every worker idle, before the
# workers leave (the writer too, once no worker is left). Long enough for
# a busy worker's next listing page to reach the queue; 10 by default.
CLUSTER_IDLE_CLOSE = 10
# Connection of scrapy-redis's own helpers (the scheduler uses ours, with
# the same timeouts): a Redis that does not answer fails the run in 10 s.
REDIS_PARAMS = {"socket_timeout": 10, "socket_connect_timeout": 10}

# --- Feeds (-o/-O, FEEDS, Scrapyd's items_dir) ---------------------------
# UTF-8, not \u-escaped, and the fields in items.jsonl's order (CSV columns
# too): one item shape in every output (ITEM_FIELDS, newscrawler/items.py).
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(ITEM_FIELDS)
# Local feed files report a write that fails (a full disk) in one ERROR line
# and fail the run, instead of a traceback per item and a run that ends well.
FEED_STORAGES = {"": "newscrawler.feedstorage.ReportingFileFeedStorage",
                 "file": "newscrawler.feedstorage.ReportingFileFeedStorage"}
# `jekyll`: a zip of the run's posts and category pages, as in OUTPUT_DIR.
FEED_EXPORTERS = {"jekyll": "newscrawler.exporters.JekyllBundleExporter"}
