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
    """The site's id, made on first use."""
    path = output_dir / SITE_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    new = secrets.token_hex(8)
    atomic_write(path, (new + "\n").encode("utf-8"))
    return new


def check_site(server, namespace: str, output_dir: Path, store) -> str | None:
    """Make Redis and ``OUTPUT_DIR`` agree on the site (see the module);
    a problem in one line, or None."""
    mine = site_id(output_dir)
    key = f"{namespace}:site"
    known = server.get(key)
    if known is not None and known.decode() != mine:
        return (f"REDIS_NAMESPACE {namespace!r} of this Redis is another site's ({known.decode()}), not the one in "
                f"{output_dir} ({mine}): give each site its own REDIS_NAMESPACE (or, if this folder is the site "
                f"now, `redis-cli DEL {key}`)")
    if known is None:
        marked = 0
        for code in jsonl_codes(output_dir / "items.jsonl"):
            if store.claim(code):
                store.complete(code)
                marked += 1
        if marked:
            logger.warning("Redis did not know this site (a new Redis, or one that lost its data): the %d articles "
                           "of %s not marked done there are now, so none is written twice",
                           marked, output_dir / "items.jsonl")
        server.set(key, mine)
    return None
