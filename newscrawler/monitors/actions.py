"""What the monitors' results lead to: the run's verdict, and the alerts."""

import logging
from pathlib import Path

from spidermon.core.actions import Action

from newscrawler.extensions.health import FAILED_STAT
from newscrawler.monitors.alerts import alert_text, changes, read_alerted, run_name, save_alerted
from newscrawler.monitors.mail import EmailAlert
from newscrawler.monitors.history import runs_dir, source_key
from newscrawler.monitors.webhook import WebhookError, post_alert

logger = logging.getLogger(__name__)

WARNINGS_STAT = "newscrawler/run/warnings"


def failures(result) -> list[tuple[object, str, str]]:
    """(check, key, words) of each failure in a Spidermon result; a check
    that broke (raised) is a failure of its own."""
    found = []
    for failed in result.monitors_failed_results:
        check = failed.item
        if getattr(failed, "reason", None) is None:  # it raised: say so in one line
            words = f"the check itself broke: {failed.error.strip().splitlines()[-1]}"
            found.append((check, check.monitor_name, words))
            continue
        keys = check.keys()
        found += [(check, key, failed.reason) for key in keys] if len(keys) == 1 else \
            [(check, key, words) for key, words in zip(keys, check.found)]
    return found


class Verdict(Action):
    """A failed check that ``fails_run`` fails the run: the stat
    ``newscrawler/run/failed`` (``scrapy crawl`` exits 1) and one ERROR
    line; the others are the run's warnings."""

    def run_action(self):
        crawler = self.data.crawler
        fatal, warnings = [], []
        for check, _, words in failures(self.result):
            (fatal if getattr(check, "fails_run", True) else warnings).append(words)
            crawler.stats.inc_value("newscrawler/monitor/failed")
        fatal, warnings = list(dict.fromkeys(fatal)), list(dict.fromkeys(warnings))
        if warnings:
            crawler.stats.set_value(WARNINGS_STAT, "; ".join(warnings))
        if fatal:
            crawler.stats.set_value(FAILED_STAT, "; ".join(fatal))
            logger.error("Run failed: %s", "; ".join(fatal))


class Alert(Action):
    """Send an alert when a check starts failing, or recovers: by e-mail
    (``SPIDERMON_EMAIL_TO``) and/or to ``ALERT_WEBHOOK_URL``; nothing when
    neither is set. A failure stays alerted once every channel took it; a
    channel that fails is one ERROR line, and the next run tries again."""

    recoveries = True

    def __init__(self, channels: dict, output_dir: str, timeout: float):
        super().__init__()
        self.channels = channels
        self.output_dir = output_dir
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        channels = {}
        if settings.getlist("SPIDERMON_EMAIL_TO"):
            channels["email"] = EmailAlert.from_crawler(crawler)
        if settings.get("ALERT_WEBHOOK_URL"):
            channels["webhook"] = settings["ALERT_WEBHOOK_URL"]
        return cls(channels, settings["OUTPUT_DIR"], settings.getfloat("ALERT_TIMEOUT"))

    def run_action(self):
        if not self.channels:
            return
        spider, stats = self.data.spider, self.data.stats
        path = runs_dir(self.output_dir) / f"{source_key(spider)}.alerted.json"
        alerted = read_alerted(path)
        failing = {key: words for _, key, words in failures(self.result)}
        new, recovered = changes(failing, alerted, self.recoveries)
        if not new and not recovered:
            return
        still = {key: words for key, words in failing.items() if key not in new}
        run = run_name(spider, stats)
        subject, text = alert_text(run, new, still, recovered, stats, str(Path(self.output_dir).resolve()))
        if self.send(subject, text, {"run": run, "failed": new, "still_failing": still, "recovered": recovered}):
            kept = {k: v for k, v in alerted.items() if k not in recovered}
            try:
                save_alerted(path, {**kept, **new})
            except OSError as exc:
                logger.error("Could not save the alerted failures to %s: %s", path, exc.strerror or exc)

    def send(self, subject: str, text: str, details: dict) -> bool:
        stats = self.data.crawler.stats
        sent = True
        for name, channel in self.channels.items():
            try:
                if name == "email":
                    channel.send(subject, text, self.result, self.data)
                else:
                    post_alert(channel, {"text": f"{subject}\n\n{text}", "subject": subject, **details}, self.timeout)
            except (OSError, WebhookError, ValueError) as exc:  # smtplib's errors are OSErrors
                stats.inc_value(f"newscrawler/alert/{name}/failed")
                logger.error("Could not send the alert by %s: %s (the next run tries again)", name, exc)
                sent = False
                continue
            stats.inc_value(f"newscrawler/alert/{name}/sent")
            logger.info("Alert sent by %s: %s", name, subject)
        return sent


class AlertNew(Alert):
    """During a run: new failures only (a recovery is told at its end)."""

    recoveries = False
