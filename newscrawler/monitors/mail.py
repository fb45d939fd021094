"""Alerts by e-mail: Spidermon's e-mail action, sent over SMTP.

Spidermon's own SMTP action requires a login and sends through a Twisted
client that the end of a run does not wait for; this one sends with
``smtplib`` before the run ends, logs in only when ``SPIDERMON_SMTP_USER``
is set (a local relay needs none), and reads the same settings:
``SPIDERMON_EMAIL_TO`` (off when empty), ``SPIDERMON_EMAIL_SENDER``,
``SPIDERMON_SMTP_HOST``, ``SPIDERMON_SMTP_PORT``, ``SPIDERMON_SMTP_USER``,
``SPIDERMON_SMTP_PASSWORD``, ``SPIDERMON_SMTP_ENFORCE_TLS`` (STARTTLS),
``SPIDERMON_SMTP_ENFORCE_SSL``; ``ALERT_TIMEOUT`` seconds at most."""

import smtplib

from spidermon.contrib.actions.email import SendEmail


class EmailAlert(SendEmail):
    body_html_template = None

    def __init__(self, *, smtp: dict, timeout: float, **kwargs):
        super().__init__(subject="{{ alert_subject }}", body_text="{{ alert_text }}", **kwargs)
        self.smtp = smtp
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        kwargs = cls.from_crawler_kwargs(crawler)
        for unused in ("subject", "body_text", "body_html_template"):
            kwargs.pop(unused)
        smtp = {name: settings.get(f"SPIDERMON_SMTP_{name.upper()}")
                for name in ("host", "port", "user", "password", "enforce_tls", "enforce_ssl")}
        return cls(smtp=smtp, timeout=settings.getfloat("ALERT_TIMEOUT"), **kwargs)

    def send(self, subject: str, text: str, result, data) -> None:
        self.result, self.data = result, data
        self.context = {"alert_subject": subject, "alert_text": text}
        self.send_message(self.get_message())

    def send_message(self, message, **kwargs):
        smtp = self.smtp
        client = smtplib.SMTP_SSL if str(smtp["enforce_ssl"]).lower() in ("1", "true") else smtplib.SMTP
        server = client(smtp["host"], int(smtp["port"] or 25), timeout=self.timeout)
        try:
            if str(smtp["enforce_tls"]).lower() in ("1", "true"):
                server.starttls()
            if smtp["user"]:
                server.login(smtp["user"], smtp["password"] or "")
            server.sendmail(self.sender, [*self.to, *(self.cc or []), *(self.bcc or [])], message.as_string())
        finally:
            # The message is the server's once DATA is accepted: an answer
            # to QUIT other than 221 (or a reset) must not make it a failed
            # send, which the next run would send again.
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                server.close()
