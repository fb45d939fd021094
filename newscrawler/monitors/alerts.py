"""What an alert says, and which failures were alerted already.

One alert when a check starts failing, one when it recovers, none while it
goes on failing: the failures alerted are kept per source and per channel
in ``OUTPUT_DIR/runs/<source>.alerted.json`` (``{"email": {failure key: its
words}, "webhook": {...}}``)."""

import json
import logging
import re
from datetime import datetime, timezone
from pathlib import Path

from newscrawler.files import atomic_write, read_regular

logger = logging.getLogger(__name__)

CHANNELS = ("email", "webhook")


def read_alerted(path: Path) -> dict[str, dict[str, str]]:
    """Channel -> failure key -> its words, as last alerted; {} when none
    (or unreadable: a warning). A file of an older release, one map of
    failures for every channel, is read as every channel's."""
    try:
        alerted = json.loads(read_regular(path, 16 * 1024 * 1024).decode("utf-8"))
        if not isinstance(alerted, dict):
            raise ValueError("not a map of channels")
        if alerted and all(isinstance(v, str) for v in alerted.values()):
            return {channel: dict(alerted) for channel in CHANNELS}
        if all(isinstance(m, dict) and all(isinstance(v, str) for v in m.values()) for m in alerted.values()):
            return alerted
        raise ValueError("not a map of channels")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("Alerted failures %s cannot be read (%s): alerting every failure again", path, exc)
        return {}


def save_alerted(path: Path, alerted: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(alerted, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


def changes(failing: dict[str, str], alerted: dict[str, str], recoveries: bool) -> tuple[dict, dict]:
    """(new failures, recovered ones) since the last alert."""
    new = {key: words for key, words in failing.items() if key not in alerted}
    recovered = {key: words for key, words in alerted.items() if key not in failing} if recoveries else {}
    return new, recovered


def figures(stats: dict) -> str:
    written = stats.get("newscrawler/ledger/done", 0)
    dropped = sum(v for k, v in stats.items() if k.count("/") == 3 and k.split("/")[2] == "dropped")
    given_up = sum(stats.get(f"newscrawler/{what}/failed", 0) for what in ("article", "listing", "feed"))
    return (f"{written} posts written, {dropped} dropped, {stats.get('newscrawler/article/not_found', 0)} not found, "
            f"{given_up} pages given up, {stats.get('newscrawler/write/failed', 0)} not written; "
            f"{stats.get('downloader/request_count', 0)} requests, {stats.get('retry/count', 0)} retries")


def run_name(spider, stats: dict) -> str:
    started = stats.get("start_time")
    when = started.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if isinstance(started, datetime) else "?"
    job = getattr(spider, "_job", None)
    return (f"{spider.name}" + (f" job {job}" if job else "") + f" on {stats.get('newscrawler/run/source')}, "
            f"started {when}")


# An alert is one screen: so many failures of a kind at most, each line
# clipped, control characters (a category id from the source's URLs, an
# error's text) shown as U+FFFD, not as new lines or terminal escapes.
MAX_LISTED = 20
MAX_LINE = 300
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clip(text: str, most: int = MAX_LINE) -> str:
    text = _CONTROLS.sub("\ufffd", str(text))
    return text if len(text) <= most else text[:most - 1] + "…"


def capped(failures: dict[str, str]) -> dict[str, str]:
    """The first MAX_LISTED failures, clipped (the webhook's JSON)."""
    return {clip(key, 100): clip(words) for key, words in sorted(failures.items())[:MAX_LISTED]}


def alert_text(run: str, new: dict, still: dict, recovered: dict, stats: dict, output_dir: str) -> tuple[str, str]:
    """(subject, text) of an alert: the run, the checks and the figures, in one screen."""
    if new:
        checks = sorted({k.split(':')[0] for k in new})
        subject = clip(f"newscrawler: {len(checks)} check(s) failed: " + ", ".join(checks), 200)
    else:
        subject = clip("newscrawler: recovered: " + ", ".join(sorted({k.split(':')[0] for k in recovered})), 200)
    lines = [f"Run: {run}", f"Finish: {stats.get('finish_reason') or 'still running'}, "
             f"{stats.get('elapsed_time_seconds', 0):.0f} s; output in {output_dir}", ""]
    for title, failures in (("Failed", new), ("Still failing (alerted before)", still), ("Recovered", recovered)):
        if failures:
            lines.append(f"{title}:")
            listed = sorted(failures.items())
            lines += [clip(f"- {key}: {words}") for key, words in listed[:MAX_LISTED]]
            if len(listed) > MAX_LISTED:
                lines.append(f"- … and {len(listed) - MAX_LISTED} more")
            lines.append("")
    lines.append(f"Figures: {figures(stats)}")
    return subject, "\n".join(lines) + "\n"
