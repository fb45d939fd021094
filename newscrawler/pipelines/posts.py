"""Write the Jekyll post of each new article, never over another's."""

import hashlib
import logging
import re
from pathlib import Path

from newscrawler import leases
from newscrawler.files import atomic_write, child_path, create_new, remove_stale_temps
from newscrawler.outcomes import ArticleNotWritten, RejectedArticle, store_down
from newscrawler.pipelines.dedupe import DuplicateArticle
from newscrawler.postformat import post_filename, render_post
from newscrawler.recovery import jsonl_codes
from newscrawler.store import StoreError, open_store

logger = logging.getLogger(__name__)


class PostNameTaken(RejectedArticle):
    stats_prefix = "newscrawler/posts/dropped"

    def __init__(self, names: list[str]):
        super().__init__("post_name_taken", f"{' and '.join(names)} belong to other articles")


def alternative_name(name: str, info_code: str) -> str:
    """``{date}-{id}-{hash of the infoCode}.md``: the name of a post whose
    first choice another article holds (rolling news ids are not unique)."""
    digest = hashlib.sha1(info_code.encode("utf-8")).hexdigest()[:8]
    return f"{name.removesuffix('.md')}-{digest}.md"


class MarkdownPostPipeline:
    """``OUTPUT_DIR/_posts/{date}-{infoCode}.md`` in the seed's layout;
    ``SITE_URL`` is the host of the back links. The name is reserved in
    the store before the file is made, and the file is only ever created,
    never replaced: no post overwrites another article's."""

    def __init__(self, output_dir: Path, site: str, settings, stats):
        self.folder = output_dir / "_posts"
        self.site = site
        self.settings = settings
        self.stats = stats
        self.store = None
        self._lines: set[str] | None = None
        """The codes of items.jsonl, read the first time a post is found
        that the store did not know."""

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(Path(settings["OUTPUT_DIR"]), settings["SITE_URL"], settings, crawler.stats)

    def open_spider(self, spider):
        self.folder.mkdir(parents=True, exist_ok=True)
        leases.hold(self.folder.parent)
        if removed := remove_stale_temps(self.folder, self.folder.parent):
            logger.info("Removed %d half-written posts left by a killed run", removed)
        self.store = open_store(self.settings)

    def close_spider(self, spider):
        if self.store is not None:  # None: it failed to open, and said so
            self.store.close()

    def process_item(self, item, spider):
        names = ["?"]
        try:
            data = render_post(item, self.site).encode("utf-8")
            first = post_filename(item)
            names = [first, alternative_name(first, item.info_code)]
            for name in names:
                if self._write(item.info_code, name, data):
                    self.stats.inc_value("newscrawler/posts/written")
                    return item
        except StoreError as exc:
            raise ArticleNotWritten(f"post: {exc}", kind="store", environment=True, quiet=store_down(self.stats)) from None
        except (OSError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
            raise ArticleNotWritten.from_error(f"post {self.folder / names[0]}", exc) from None
        self.stats.inc_value(PostNameTaken.stats_prefix)
        self.stats.inc_value(f"{PostNameTaken.stats_prefix}/post_name_taken")
        raise PostNameTaken(names)

    def _write(self, info_code: str, name: str, data: bytes) -> bool:
        """Reserve `name` and create the file; False if either is taken."""
        path = child_path(self.folder, name)
        if not self.store.reserve_post(info_code, name):
            return False
        try:
            create_new(path, data)
        except FileExistsError:  # a file the store does not know of
            if self._holds(path, info_code):
                return self._written_before(path, info_code, data)
            self.store.reserve_post(info_code, None)
            logger.warning("Post %s exists but is not %s's: writing it under another name", name, info_code)
            return False
        return True

    @staticmethod
    def _holds(path: Path, info_code: str) -> bool:
        """Whether the post file is `info_code`'s (its share link names it)."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        return re.search(rf"infoCode={re.escape(info_code)}(?![A-Za-z0-9_-])", text) is not None

    def _written_before(self, path: Path, info_code: str, data: bytes) -> bool:
        """The article's own post is there, though the store did not know
        it (a store deleted, or that lost its data). With its JSON line, it
        was written whole: marked done, nothing written again. Without, it
        is the post of a run killed before the line: replaced, and the rest
        written."""
        if self._lines is None:
            self._lines = set(jsonl_codes(self.folder.parent / "items.jsonl"))
        if info_code in self._lines:
            self.store.complete(info_code)
            self.stats.inc_value("newscrawler/posts/known_on_disk")
            logger.warning("Article %s was written before (%s and its JSON line) though the store did not know "
                           "it: marked done, not written again", info_code, path.name)
            raise DuplicateArticle(info_code)
        atomic_write(path, data)
        return True
