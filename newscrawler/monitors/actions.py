"""What the monitors' results lead to: the run's verdict, and the alerts."""

import logging
import threading
from pathlib import Path

from spidermon.core.actions import Action

from newscrawler.extensions.health import FAILED_STAT
from newscrawler.monitors.alerts import alert_text, capped, changes, read_alerted, run_name, save_alerted
from newscrawler.monitors.locks import locked
from newscrawler.monitors.mail import EmailAlert
from newscrawler.monitors.history import LOCK_SUFFIX, runs_dir, source_key
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


def within(seconds: float, send, *args) -> None:
    """``send(*args)``, done within `seconds` or ``TimeoutError``: it runs in
    a daemon thread, left behind when late (a server that answers a byte at
    a time defeats a socket's timeout, which bounds each read only); an
    exception it raises is raised here."""
    raised = []

    def run():
        try:
            send(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            raised.append(exc)

    thread = threading.Thread(target=run, name="alert", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"not sent within {seconds:g} s")
    if raised:
        raise raised[0]


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
    neither is set. What each channel took is kept apart: a channel is sent
    a failure once, while another that fails is tried again each run (one
    ERROR line a run). Each channel's send takes ``ALERT_TIMEOUT`` seconds at
    most (late: not sent). Runs at once over one output decide, send and
    record in turn (a lock): a failure is alerted once."""

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
        path = runs_dir(self.output_dir) / f"{source_key(self.data.spider)}.alerted.json"
        # Another run holds the lock while it sends: ALERT_TIMEOUT a channel at most.
        wait = self.timeout * len(self.channels) + 30
        try:
            with locked(path.with_name(path.name + LOCK_SUFFIX), wait):
                alerted = read_alerted(path)
                if self.alert(alerted):
                    try:
                        save_alerted(path, alerted)
                    except OSError as exc:
                        logger.error("Could not save the alerted failures to %s: %s", path, exc.strerror or exc)
        except OSError as exc:  # the lock: not had in time, or not made
            logger.error("Could not alert (the next run tries again): %s", exc.strerror or exc)

    def alert(self, alerted: dict[str, dict[str, str]]) -> bool:
        """Send each channel what is news to it; record in `alerted` what
        each took. Whether any did."""
        spider, stats = self.data.spider, self.data.stats
        failing = {key: words for _, key, words in failures(self.result)}
        run = run_name(spider, stats)
        took = False
        for name, channel in self.channels.items():
            told = alerted.get(name, {})
            new, recovered = changes(failing, told, self.recoveries)
            if not new and not recovered:
                continue
            still = {key: words for key, words in failing.items() if key not in new}
            subject, text = alert_text(run, new, still, recovered, stats, str(Path(self.output_dir).resolve()))
            details = {"run": run, **{name: capped(failures) for name, failures in
                                      (("failed", new), ("still_failing", still), ("recovered", recovered))}}
            if self.send(name, channel, subject, text, details):
                alerted[name] = {**{k: v for k, v in told.items() if k not in recovered}, **new}
                took = True
        return took

    def send(self, name: str, channel, subject: str, text: str, details: dict) -> bool:
        stats = self.data.crawler.stats
        try:
            if name == "email":
                within(self.timeout, channel.send, subject, text, self.result, self.data)
            else:
                payload = {"text": f"{subject}\n\n{text}", "subject": subject, **details}
                within(self.timeout, post_alert, channel, payload, self.timeout)
        except (OSError, WebhookError, ValueError) as exc:  # smtplib's errors and TimeoutError are OSErrors
            key = f"newscrawler/alert/{name}/failed"
            again = stats.get_value(key, 0) > 0  # failed before in this run: said already
            stats.inc_value(key)
            (logger.warning if again else logger.error)(
                "Could not send the alert by %s: %s (the next run tries again)", name, exc)
            return False
        stats.inc_value(f"newscrawler/alert/{name}/sent")
        logger.info("Alert sent by %s: %s", name, subject)
        return True


class AlertNew(Alert):
    """During a run: new failures only (a recovery is told at its end)."""

    recoveries = False
