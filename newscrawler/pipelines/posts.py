"""Write the Jekyll post of each new article, atomically."""

import logging
from pathlib import Path

from newscrawler.files import atomic_write, child_path, remove_stale_temps
from newscrawler.postformat import post_filename, render_post

logger = logging.getLogger(__name__)


class MarkdownPostPipeline:
    """``OUTPUT_DIR/_posts/{date}-{infoCode}.md`` in the seed's layout;
    ``SITE_URL`` is the host of the back links."""

    def __init__(self, output_dir: Path, site: str, stats):
        self.folder = output_dir / "_posts"
        self.site = site
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(Path(settings["OUTPUT_DIR"]), settings["SITE_URL"], crawler.stats)

    def open_spider(self, spider):
        self.folder.mkdir(parents=True, exist_ok=True)
        if removed := remove_stale_temps(self.folder):
            logger.info("Removed %d half-written posts left by a killed run", removed)

    def process_item(self, item, spider):
        path = child_path(self.folder, post_filename(item))
        atomic_write(path, render_post(item, self.site).encode("utf-8"))
        self.stats.inc_value("newscrawler/posts/written")
        return item
