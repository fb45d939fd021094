"""Local feed files (``-o``/``-O``, ``FEEDS``) whose failure is one ERROR
line and a failed run: Scrapy's own storage lets every item of a feed on a
full disk raise in its signal handler, a traceback each, and the run ends
well."""

import errno
import io
import logging

from scrapy.extensions.feedexport import FileFeedStorage

from newscrawler.extensions.health import FEED_FAILED_STAT

logger = logging.getLogger(__name__)


class _Guarded(io.BufferedIOBase):
    """A binary file whose first failed write is reported, and whose
    writes after it are dropped: the feed is incomplete, and says so once."""

    def __init__(self, file, on_error):
        super().__init__()
        self._file = file
        self._on_error = on_error
        self.failed = False

    def writable(self):
        return True

    def _guard(self, action, *args):
        if self.failed:
            return None
        try:
            return action(*args)
        except OSError as exc:
            self.failed = True
            self._on_error(exc)
            return None

    def write(self, data):
        self._guard(self._file.write, data)
        return len(data)

    def flush(self):
        if not self._file.closed:  # IOBase.close flushes again, after ours
            self._guard(self._file.flush)

    def close(self):
        if not self.closed:
            self.flush()
            try:
                self._file.close()
            except OSError as exc:  # the last buffered bytes did not fit
                if not self.failed:
                    self.failed = True
                    self._on_error(exc)
        super().close()


class ReportingFileFeedStorage(FileFeedStorage):
    def __init__(self, uri, *, feed_options=None, crawler=None):
        super().__init__(uri, feed_options=feed_options)
        self.uri = uri
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler, uri, *, feed_options=None):
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider):
        return _Guarded(super().open(spider), self._failed)

    def _failed(self, exc: OSError) -> None:
        if self.crawler is not None:
            self.crawler.stats.inc_value(FEED_FAILED_STAT)
        logger.error("Feed %s cannot be written (%s %s): it is incomplete", self.uri,
                     errno.errorcode.get(exc.errno, "OSError"), exc.strerror or exc)
