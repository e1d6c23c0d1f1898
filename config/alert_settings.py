"""Settings of alert delivery (issue 21): webhook signing, SMTP, retries.

Kept apart from settings.py (crawl and database knobs): only the alert sender reads them, and it
reads them where it runs (the daemon's delivery thread, ``kliping watch send``). Their names and
help join ``settings.ENVIRONMENT``, so the README table documents them like every other knob.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from kliping.config.errors import SettingsError

ALERT_ENVIRONMENT: dict[str, tuple[str, str]] = {
    "KLIPING_WEBHOOK_SECRET": (
        "",
        "key of the HMAC-SHA256 signature of webhook bodies (X-Kliping-Signature); unset: unsigned",
    ),
    "KLIPING_SMTP_HOST": ("localhost", "SMTP server for email alerts"),
    "KLIPING_SMTP_PORT": ("25", "its port (587 for STARTTLS submission)"),
    "KLIPING_SMTP_STARTTLS": ("0", "1: upgrade the SMTP connection with STARTTLS before login"),
    "KLIPING_SMTP_USER": ("", "SMTP login; unset: no authentication"),
    "KLIPING_SMTP_PASSWORD": ("", "SMTP password (never logged)"),
    "KLIPING_SMTP_FROM": ("kliping@localhost", "From address of email alerts"),
    "KLIPING_ALERT_TIMEOUT": ("10", "seconds a webhook or SMTP server may take before a retry"),
    "KLIPING_ALERT_RETRY_BACKOFF": (
        "30",
        "seconds before an alert's first redelivery; doubles each time, at most one hour",
    ),
    "KLIPING_ALERT_MAX_ATTEMPTS": ("12", "deliveries tried before an alert is marked failed"),
    "KLIPING_ALERT_KEEP_DAYS": (
        "90",
        "delivered and failed alerts are deleted after this many days",
    ),
    "KLIPING_WEB_URL": ("", "base URL of `kliping web`; alerts then link the story page"),
}


def _default(name: str) -> str:
    return ALERT_ENVIRONMENT[name][0]


@dataclass(frozen=True)
class AlertSettings:
    # The defaults are ALERT_ENVIRONMENT's (what the README's table shows), not written again.
    webhook_secret: str = _default("KLIPING_WEBHOOK_SECRET")
    smtp_host: str = _default("KLIPING_SMTP_HOST")
    smtp_port: int = int(_default("KLIPING_SMTP_PORT"))
    smtp_starttls: bool = _default("KLIPING_SMTP_STARTTLS") == "1"
    smtp_user: str = _default("KLIPING_SMTP_USER")
    smtp_password: str = _default("KLIPING_SMTP_PASSWORD")
    smtp_from: str = _default("KLIPING_SMTP_FROM")
    timeout: float = float(_default("KLIPING_ALERT_TIMEOUT"))
    retry_backoff: float = float(_default("KLIPING_ALERT_RETRY_BACKOFF"))
    max_attempts: int = int(_default("KLIPING_ALERT_MAX_ATTEMPTS"))
    keep_days: float = float(_default("KLIPING_ALERT_KEEP_DAYS"))
    web_url: str = _default("KLIPING_WEB_URL")

    def __repr__(self) -> str:  # the secret and the password never reach a log line
        return f"AlertSettings(smtp={self.smtp_host}:{self.smtp_port}, timeout={self.timeout})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AlertSettings:
        env = os.environ if env is None else env

        def get(name: str) -> str:
            return env.get(name, "").strip() or _default(name)

        def number(name: str, low: float, high: float) -> float:
            raw = get(name)
            try:
                value = float(raw)
            except ValueError:
                raise SettingsError(f"{name}={raw!r}: expected a number") from None
            if not math.isfinite(value) or not low <= value <= high:
                raise SettingsError(f"{name}={raw!r}: expected {low:g} to {high:g}")
            return value

        starttls = get("KLIPING_SMTP_STARTTLS").lower()
        if starttls not in {"0", "1", "true", "false", "yes", "no"}:
            raise SettingsError(f"KLIPING_SMTP_STARTTLS={starttls!r}: expected 0 or 1")
        return cls(
            webhook_secret=env.get("KLIPING_WEBHOOK_SECRET", ""),
            smtp_host=get("KLIPING_SMTP_HOST"),
            smtp_port=int(number("KLIPING_SMTP_PORT", 1, 65535)),
            smtp_starttls=starttls in {"1", "true", "yes"},
            smtp_user=get("KLIPING_SMTP_USER"),
            smtp_password=env.get("KLIPING_SMTP_PASSWORD", ""),
            smtp_from=get("KLIPING_SMTP_FROM"),
            timeout=number("KLIPING_ALERT_TIMEOUT", 0.1, 600),
            retry_backoff=number("KLIPING_ALERT_RETRY_BACKOFF", 0.01, 3600),
            max_attempts=int(number("KLIPING_ALERT_MAX_ATTEMPTS", 1, 1000)),
            # At least the clustering window (3 days): an event still growing must find the
            # alerts it fired, or it would fire again.
            keep_days=number("KLIPING_ALERT_KEEP_DAYS", 7, 36500),
            web_url=get("KLIPING_WEB_URL").rstrip("/"),
        )
