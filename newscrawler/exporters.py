"""Feed exporter for the Jekyll Markdown bundle: ``FEEDS = {"posts.zip":
{"format": "jekyll"}}`` gives a zip of the run's posts and category pages,
laid out as in OUTPUT_DIR (``_posts/…md``, ``category/…html``)."""

import zipfile
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter

from newscrawler.items import NewsArticle
from newscrawler.pipelines.posts import alternative_name
from newscrawler.postformat import category_page_path, post_filename, render_category_page, render_post
from newscrawler.store import open_store, store_uri


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
    """Each post under the name it has in OUTPUT_DIR, which the store keeps
    (rolling ids are not unique: a second article with one gets another
    name); without a store, under its first choice or, taken in the zip
    already, its second."""

    def __init__(self, file, *, site: str = "finews.withounder.com", settings=None, **kwargs):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.site = site
        self.settings = settings
        self.store = None
        self.zip = None
        self.categories: set[str] = set()
        self.names: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, file, **kwargs):
        return cls(file, site=crawler.settings["SITE_URL"], settings=crawler.settings, **kwargs)

    def start_exporting(self):
        self.zip = zipfile.ZipFile(_StreamOnly(self.file), "w", compression=zipfile.ZIP_DEFLATED)
        if self.settings is not None and Path(store_uri(self.settings).removeprefix("sqlite:///")).exists():
            self.store = open_store(self.settings)

    def post_name(self, article) -> str:
        name = self.store.post_name(article.info_code) if self.store else None
        if not name:
            name = post_filename(article)
            if name in self.names:
                name = alternative_name(name, article.info_code)
        self.names.add(name)
        return name

    def export_item(self, item):
        article = item if isinstance(item, NewsArticle) else NewsArticle(**ItemAdapter(item).asdict())
        self.zip.writestr(f"_posts/{self.post_name(article)}", render_post(article, self.site))
        if article.category not in self.categories:
            self.categories.add(article.category)
            self.zip.writestr(category_page_path(article), render_category_page(article.media, article.category))

    def finish_exporting(self):
        self.zip.close()
        if self.store:
            self.store.close()
