"""Feed exporter for the Jekyll Markdown bundle: ``FEEDS = {"posts.zip":
{"format": "jekyll"}}`` gives a zip of the run's posts and category pages,
laid out as in OUTPUT_DIR (``_posts/…md``, ``category/…html``)."""

import zipfile

from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter

from newscrawler.items import NewsArticle
from newscrawler.postformat import category_page_path, post_filename, render_category_page, render_post


class _StreamOnly:
    """Hides seek/tell, so that zipfile writes a plain stream: the feed's
    file may be opened for appending, or not be seekable at all."""

    def __init__(self, file):
        self._file = file

    def write(self, data):
        return self._file.write(data)

    def flush(self):
        self._file.flush()

    def tell(self):
        raise OSError("not seekable")


class JekyllBundleExporter(BaseItemExporter):
    def __init__(self, file, *, site: str = "finews.withounder.com", **kwargs):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.site = site
        self.zip = None
        self.categories: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, file, **kwargs):
        return cls(file, site=crawler.settings["SITE_URL"], **kwargs)

    def start_exporting(self):
        self.zip = zipfile.ZipFile(_StreamOnly(self.file), "w", compression=zipfile.ZIP_DEFLATED)

    def export_item(self, item):
        article = item if isinstance(item, NewsArticle) else NewsArticle(**ItemAdapter(item).asdict())
        self.zip.writestr(f"_posts/{post_filename(article)}", render_post(article, self.site))
        if article.category not in self.categories:
            self.categories.add(article.category)
            self.zip.writestr(category_page_path(article), render_category_page(article.media, article.category))

    def finish_exporting(self):
        self.zip.close()
