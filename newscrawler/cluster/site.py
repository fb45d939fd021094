"""Which site a Redis namespace belongs to, so that a Redis that lost its
data does not make the writer write every article a second time.

The writer's ``OUTPUT_DIR`` holds the site's id (``.newscrawler-site``),
and Redis holds it too (``{namespace}:site``). At the writer's start:

- the same id: nothing to do;
- none in Redis (a new Redis, or one that lost its data: emptied,
  restarted without its append-only file): every article of the site's
  items.jsonl is marked done in the store again, so none is written twice;
- another id: this Redis namespace is another site's (or this folder is
  not the site's folder): the writer refuses to start.
"""

import logging
import secrets
from pathlib import Path

from newscrawler.files import atomic_write
from newscrawler.recovery import jsonl_codes

logger = logging.getLogger(__name__)

SITE_FILE = ".newscrawler-site"


def site_id(output_dir: Path) -> str:
    """The site's id, made on first use (and when its file is empty)."""
    path = output_dir / SITE_FILE
    if path.exists() and (known := path.read_text(encoding="utf-8").strip()):
        return known
    new = secrets.token_hex(8)
    atomic_write(path, (new + "\n").encode("utf-8"))
    return new


def site_problem(server, namespace: str, output_dir: Path) -> str | None:
    """Whether Redis holds another site's id (see the module); one line."""
    mine = site_id(output_dir)
    key = f"{namespace}:site"
    known = server.get(key)
    if known is not None and known.decode() != mine:
        return (f"REDIS_NAMESPACE {namespace!r} of this Redis is another site's ({known.decode()}), not the one in "
                f"{output_dir} ({mine}): give each site its own REDIS_NAMESPACE (or, if this folder is the site "
                f"now, `redis-cli DEL {key}`)")
    return None


def make_known(server, namespace: str, output_dir: Path, store) -> int:
    """If Redis does not hold the site's id: mark every article of
    items.jsonl done, whatever its claim (workers may have claimed and
    handed it off again since Redis lost it), then store the id. Return how
    many articles were marked."""
    key = f"{namespace}:site"
    if server.get(key) is not None:
        return 0
    marked = store.mark_done(jsonl_codes(output_dir / "items.jsonl"))
    if marked:
        logger.warning("Redis did not know this site (a new Redis, or one that lost its data): the %d articles "
                       "of %s are marked done there again, so none is written twice",
                       marked, output_dir / "items.jsonl")
    server.set(key, site_id(output_dir))
    return marked
