"""Alerts to a webhook: one JSON POST to ``ALERT_WEBHOOK_URL``. Its
``text`` is the alert as written for a person (chat services such as
Slack or Mattermost show it as it is); the other keys give the same for
programs."""

import json
import urllib.error
import urllib.request


class WebhookError(RuntimeError):
    pass


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib follows a 301/302 of a POST as a GET without the body: the
    alert was lost and recorded as sent. A redirect is an error instead
    (the webhook's URL is to be fixed, e.g. http -> https)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirects to {newurl}", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirects)


def post_alert(url: str, payload: dict, timeout: float) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        where = f" ({exc.msg})" if 300 <= exc.code < 400 else ""
        raise WebhookError(f"{url} answered HTTP {exc.code}{where}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise WebhookError(f"{url}: {getattr(exc, 'reason', exc)}") from None
