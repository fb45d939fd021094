"""Write ``category/{slug}.html`` the first time a category is met."""

from pathlib import Path

from newscrawler.files import atomic_write, child_path, remove_stale_temps
from newscrawler.postformat import render_category_page


class CategoryPagePipeline:
    def __init__(self, output_dir: Path, stats):
        self.folder = output_dir / "category"
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Path(crawler.settings["OUTPUT_DIR"]), crawler.stats)

    def open_spider(self, spider):
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(self.folder)

    def process_item(self, item, spider):
        slug = item.category
        if slug in self.seen:
            return item
        path = child_path(self.folder, f"{slug}.html")
        if not path.exists():
            atomic_write(path, render_category_page(item.media, slug).encode("utf-8"))
            self.stats.inc_value("newscrawler/category_pages/written")
        self.seen.add(slug)
        return item
