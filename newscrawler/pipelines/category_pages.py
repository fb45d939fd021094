"""Write a category's page the first time the category is met:
``category/{slug}.html``, or ``{slug}/index.html`` for rolling news."""

from pathlib import Path

from newscrawler import leases
from newscrawler.files import atomic_write, child_path, remove_stale_temps
from newscrawler.outcomes import ArticleNotWritten
from newscrawler.postformat import category_page_path, render_category_page


class CategoryPagePipeline:
    def __init__(self, output_dir: Path, stats):
        self.output_dir = output_dir
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Path(crawler.settings["OUTPUT_DIR"]), crawler.stats)

    def process_item(self, item, spider):
        slug = item.category
        if slug in self.seen:
            return item
        try:
            self._write(item, slug)
        except (OSError, ValueError) as exc:
            raise ArticleNotWritten.from_error("category page", exc) from None
        self.seen.add(slug)
        return item

    def _write(self, item, slug: str) -> None:
        folder_name, _, name = category_page_path(item).rpartition("/")
        folder = child_path(self.output_dir, folder_name)
        folder.mkdir(parents=True, exist_ok=True)
        leases.hold(self.output_dir)
        remove_stale_temps(folder, self.output_dir)
        path = child_path(folder, name)
        if not path.exists():
            atomic_write(path, render_category_page(item.media, slug).encode("utf-8"))
            self.stats.inc_value("newscrawler/category_pages/written")
