"""What an alert says, and which failures were alerted already.

One alert when a check starts failing, one when it recovers, none while it
goes on failing: the failures alerted are kept per source and per channel
in ``OUTPUT_DIR/runs/<source>.alerted.json`` (``{"email": {failure key: its
words}, "webhook": {...}}``)."""

import json
import logging
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


def alert_text(run: str, new: dict, still: dict, recovered: dict, stats: dict, output_dir: str) -> tuple[str, str]:
    """(subject, text) of an alert: the run, the checks and the figures, in one screen."""
    if new:
        subject = f"newscrawler: {len(new)} check(s) failed: " + ", ".join(sorted({k.split(':')[0] for k in new}))
    else:
        subject = f"newscrawler: recovered: " + ", ".join(sorted({k.split(':')[0] for k in recovered}))
    lines = [f"Run: {run}", f"Finish: {stats.get('finish_reason') or 'still running'}, "
             f"{stats.get('elapsed_time_seconds', 0):.0f} s; output in {output_dir}", ""]
    for title, failures in (("Failed", new), ("Still failing (alerted before)", still), ("Recovered", recovered)):
        if failures:
            lines.append(f"{title}:")
            lines += [f"- {key}: {words}" for key, words in sorted(failures.items())]
            lines.append("")
    lines.append(f"Figures: {figures(stats)}")
    return subject, "\n".join(lines) + "\n"
