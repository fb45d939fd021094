"""Add-ons: settings that depend on other settings, applied by Scrapy once
every setting (command line included) is known."""


class SplashAddon:
    """With ``SPLASH_URL`` set, configure scrapy-splash as its README says:
    its middlewares, its dupefilter and cache storage, its request
    fingerprinter. Without it, none of them is loaded: they would only cost
    time on every request."""

    def update_settings(self, settings):
        if not settings.get("SPLASH_URL"):
            return
        settings["DOWNLOADER_MIDDLEWARES"].update({
            "scrapy_splash.SplashCookiesMiddleware": 723,
            "scrapy_splash.SplashMiddleware": 725,
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 810,
        })
        settings["SPIDER_MIDDLEWARES"].update({"scrapy_splash.SplashDeduplicateArgsMiddleware": 100})
        settings.set("DUPEFILTER_CLASS", "scrapy_splash.SplashAwareDupeFilter", priority="addon")
        settings.set("HTTPCACHE_STORAGE", "scrapy_splash.SplashAwareFSCacheStorage", priority="addon")
        settings.set("REQUEST_FINGERPRINTER_CLASS", "scrapy_splash.SplashRequestFingerprinter", priority="addon")
