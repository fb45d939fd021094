"""How an article that is not written ends, as the exceptions pipelines
raise: each is a `DropItem`, logged in one line by the log formatter."""

import errno

from scrapy.exceptions import DropItem

# Errors of the machine, not of one article: every later write would fail
# the same way, so the run stops instead of fetching what it cannot write.
ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM, errno.EFBIG}


class RejectedArticle(DropItem):
    """The article cannot make a post (`reason`): the store remembers it as
    rejected, so runs skip it until it is due for a recheck."""

    stats_prefix = "newscrawler/validate/dropped"

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}", log_level="WARNING")
        self.reason = reason


class ArticleNotWritten(DropItem):
    """Writing the article failed (`cause`): what was written of it is
    removed and its claim released, so a later run writes it."""

    def __init__(self, cause: str, *, kind: str = "error", environment: bool = False, quiet: bool = False):
        # quiet: the run is stopping, and one ERROR line said why already.
        super().__init__(f"not written: {cause}", log_level="DEBUG" if quiet else "ERROR")
        self.cause = cause
        self.kind = kind
        """Short name of the cause, for the stats (``ENOSPC``, ``UnicodeEncodeError``)."""
        self.environment = environment

    @classmethod
    def from_error(cls, what: str, exc: BaseException) -> "ArticleNotWritten":
        if isinstance(exc, OSError):
            name = errno.errorcode.get(exc.errno, "OSError")
            return cls(f"{what}: {name} {exc.strerror or exc}", kind=name,
                       environment=exc.errno in ENVIRONMENT_ERRNOS)
        return cls(f"{what}: {type(exc).__name__}: {exc}", kind=type(exc).__name__)


# Set when the store failed in the run (SQLite, Redis), and when Redis
# failed under a worker or the writer: the first failure said so in one
# ERROR line, the rest of the run is quiet about it.
STORE_FAILED_STAT = "newscrawler/store/failed"
REDIS_FAILED_STAT = "newscrawler/cluster/redis_failed"


def store_down(stats) -> bool:
    """Whether the store or Redis failed in this run (a StatsCollector)."""
    return bool(stats.get_value(STORE_FAILED_STAT) or stats.get_value(REDIS_FAILED_STAT))


def drops_by_reason(stats: dict) -> dict[str, int]:
    """Articles dropped in a run, by reason, from the counters
    ``newscrawler/<component>/dropped/<reason>`` of every component."""
    found: dict[str, int] = {}
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) == 4 and parts[0] == "newscrawler" and parts[2] == "dropped":
            found[parts[3]] = found.get(parts[3], 0) + value
    return found
