"""Alerts to a webhook: one JSON POST to ``ALERT_WEBHOOK_URL``. Its
``text`` is the alert as written for a person (chat services such as
Slack or Mattermost show it as it is); the other keys give the same for
programs."""

import json
import urllib.error
import urllib.request


class WebhookError(RuntimeError):
    pass


def post_alert(url: str, payload: dict, timeout: float) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"{url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise WebhookError(f"{url}: {getattr(exc, 'reason', exc)}") from None
