"""The settings of a crawl on many workers."""

# On a worker, the pipelines that write files give way to the hand-off.
FILE_PIPELINES = (
    "newscrawler.pipelines.posts.MarkdownPostPipeline",
    "newscrawler.pipelines.category_pages.CategoryPagePipeline",
    "newscrawler.pipelines.jsonl.JsonLinesPipeline",
    "newscrawler.pipelines.ledger.LedgerPipeline",
)


class ClusterAddon:
    """With ``REDIS_URL`` set (the store is then that Redis: see
    `newscrawler.store.store_uri`), a crawl worker takes its requests
    from the run's shared queue through scrapy-redis, with the run's
    filter (also with Splash, whose add-on sets its own: this one comes
    after it), hands its items to the writer instead of writing files, and
    stays while the run has work. The writer (``CLUSTER_ROLE=write``, its
    spider's setting) keeps the file pipelines."""

    def update_settings(self, settings):
        url = settings.get("REDIS_URL")
        if not url:
            return
        if settings.get("CLUSTER_ROLE") == "write":
            # The writer takes each claim over from the stream first: an
            # article its validator then rejects is rejected in the store
            # (a claim left to the stream would stay pending for good).
            settings["ITEM_PIPELINES"].update({"newscrawler.pipelines.validate.ValidatePipeline": 250})
            return
        settings.set("SCHEDULER", "newscrawler.cluster.scheduler.ClusterScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "newscrawler.cluster.scheduler.RunDupeFilter", priority="addon")
        settings["ITEM_PIPELINES"].update({**dict.fromkeys(FILE_PIPELINES),
                                           "newscrawler.pipelines.handoff.HandOffPipeline": 300})
        settings["DOWNLOADER_MIDDLEWARES"].update({"newscrawler.cluster.claims.ClaimTransferMiddleware": 5})
        settings["EXTENSIONS"].update({"newscrawler.cluster.workers.WorkerPresence": 50})
