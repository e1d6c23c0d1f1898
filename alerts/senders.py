"""Sending one alert: a signed JSON POST to a webhook, or an email over SMTP.

Each returns an Outcome: delivered, retry (the receiver is down, slow or answered 5xx: try again
later) or refused (a permanent answer such as 404 or a rejected address: recorded, not retried).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import http.client
import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Literal
from urllib.parse import urlsplit

from kliping.config.alert_settings import AlertSettings

# Answers that mean "not now" rather than "never": timeout, too early, too many requests.
_PASSING = {408, 425, 429}
SIGNATURE_HEADER = "X-Kliping-Signature"
KEY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Outcome:
    kind: Literal["delivered", "retry", "refused"]
    detail: str = ""


def with_link(payload: dict[str, Any], settings: AlertSettings) -> dict[str, Any]:
    """The payload with each story's page on `kliping web`, when its address is configured."""

    def linked(event: dict[str, Any]) -> dict[str, Any]:
        story = event.get("story_id", event["id"])
        url = f"{settings.web_url}/stories/{story}" if settings.web_url else None
        return dict(event, url=url)

    if "events" in payload:  # a digest
        return dict(payload, events=[linked(e) for e in payload["events"]])
    return dict(payload, event=linked(payload["event"]))


def body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, data: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def send_webhook(url: str, payload: dict[str, Any], key: str, settings: AlertSettings) -> Outcome:
    data = body(payload)
    headers = {"Content-Type": "application/json; charset=utf-8", KEY_HEADER: key,
               "User-Agent": "kliping-alerts/0.1"}  # fmt: skip
    if settings.webhook_secret:
        headers[SIGNATURE_HEADER] = signature(settings.webhook_secret, data)
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.netloc, timeout=settings.timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=data, headers=headers)
        response = conn.getresponse()
        status, why = response.status, response.reason
        response.read(65536)
    except TimeoutError:
        return Outcome("retry", f"no answer within {settings.timeout:g}s")
    except (OSError, http.client.HTTPException) as exc:
        return Outcome("retry", f"{type(exc).__name__}: {exc}"[:200])
    finally:
        conn.close()
    if 200 <= status < 300:
        return Outcome("delivered", f"HTTP {status}")
    if status >= 500 or status in _PASSING:
        return Outcome("retry", f"HTTP {status} {why}")
    return Outcome("refused", f"HTTP {status} {why}")


def _text(e: dict[str, Any]) -> list[str]:
    lines = [
        e["title"] or "",
        f"First article: {e['first_seen_wib']}; {e['article_count']} articles from"
        f" {e['outlet_count']} outlets: {', '.join(e['outlets'])}",
    ]
    if e.get("url"):
        lines.append(f"Story: {e['url']}")
    lines += [
        f"- {a['published']} {a['outlet']}: {a['title']}\n  {a['url']}" for a in e["articles"]
    ]
    return [*lines, ""]


def _html(e: dict[str, Any]) -> str:
    items = "".join(
        f"<li>{html.escape(a['published'])} {html.escape(a['outlet'])}: "
        f'<a href="{html.escape(a["url"])}">{html.escape(a["title"] or a["url"])}</a></li>'
        for a in e["articles"]
    )
    story = f'<p><a href="{html.escape(e["url"])}">Story page</a></p>' if e.get("url") else ""
    return (
        f"<h2>{html.escape(e['title'] or '')}</h2><p>First article "
        f"{html.escape(e['first_seen_wib'])}; {e['article_count']} articles from "
        f"{e['outlet_count']} outlets.</p>{story}<ul>{items}</ul>"
    )


def message(payload: dict[str, Any], key: str, to: str, sender: str) -> EmailMessage:
    """Plain text and HTML: one event, or a digest's events."""
    events = payload["events"] if "events" in payload else [payload["event"]]
    if payload["reason"] == "digest":
        why, subject = f"{len(events)} events", f"digest of {payload['day']}"
    else:
        e = events[0]
        why = (
            f"reached {e['outlet_count']} outlets"
            if payload["reason"] == "outlets"
            else "new event"
        )
        subject = f"{e['title']} ({why})"
    msg = EmailMessage()
    msg["Subject"] = f"[kliping] {payload['watchlist']}: {subject}"
    msg["From"], msg["To"] = sender, to
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = f"<{key}@kliping>"  # the idempotency key: mail tools drop repeats too
    msg["X-Kliping-Idempotency-Key"] = key
    head = f"Watchlist {payload['watchlist']} ({payload['query']}): {why}."
    msg.set_content("\n".join([head, "", *(line for e in events for line in _text(e))]))
    msg.add_alternative(
        f"<html><body><p>Watchlist <b>{html.escape(payload['watchlist'])}</b>: "
        f"{html.escape(why)}.</p>{''.join(_html(e) for e in events)}</body></html>",
        subtype="html",
    )
    return msg


def send_email(to: str, payload: dict[str, Any], key: str, settings: AlertSettings) -> Outcome:
    msg = message(payload, key, to, settings.smtp_from)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as s:
            if settings.smtp_starttls:
                s.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                s.login(settings.smtp_user, settings.smtp_password)
            s.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        kind: Literal["retry", "refused"] = "refused" if min(codes) >= 500 else "retry"
        return Outcome(kind, f"recipient refused: {codes}")
    except smtplib.SMTPAuthenticationError as exc:
        # A wrong password is the operator's to fix: retried, so alerts flow once it is.
        return Outcome("retry", f"SMTP login failed ({exc.smtp_code})")
    except smtplib.SMTPResponseException as exc:
        raw = exc.smtp_error
        text = (raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw))[:200]
        kind = "refused" if exc.smtp_code >= 500 else "retry"
        return Outcome(kind, f"SMTP {exc.smtp_code} {text}")
    except TimeoutError:
        return Outcome("retry", f"SMTP server silent for {settings.timeout:g}s")
    except (OSError, smtplib.SMTPException) as exc:
        return Outcome("retry", f"{type(exc).__name__}: {exc}"[:200])
    return Outcome("delivered", "SMTP accepted")


def send(target: str, payload: dict[str, Any], key: str, settings: AlertSettings) -> Outcome:
    kind, _, where = target.partition(":")
    payload = with_link(payload, settings)
    if kind == "webhook":
        return send_webhook(where, payload, key, settings)
    if kind == "email":
        return send_email(where, payload, key, settings)
    return Outcome("refused", f"unknown target kind {kind!r}")
