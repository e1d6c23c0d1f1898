"""Settings: defaults, then the environment. Loaded once, then passed explicitly.

Every knob is read from an environment variable with the ``KLIPING_`` prefix, except
``DATABASE_URL`` which keeps the name every Postgres tool already uses.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from kliping.config.database_url import check_database_url
from kliping.config.errors import SettingsError

# name -> (default, help). The README's configuration table is generated from this dict,
# and a test checks that it stays documented.
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "DATABASE_URL": ("", "PostgreSQL URL; unset: kliping starts its own private Postgres"),
    "KLIPING_HOME": ("", "data folder (embedded Postgres, logs); default: the user data folder"),
    "KLIPING_OUTLETS": ("", "path of an outlet registry TOML used instead of the bundled one"),
    "KLIPING_USER_AGENT": (
        "kliping/0.1 (+https://github.com/kliping/kliping; news monitoring)",
        "User-Agent sent to outlets",
    ),
    "KLIPING_LOG_LEVEL": ("INFO", "log level: DEBUG, INFO, WARNING, ERROR"),
    "KLIPING_CONCURRENCY_PER_DOMAIN": ("2", "parallel requests per outlet domain"),
    "KLIPING_DOWNLOAD_DELAY": ("1.0", "seconds between requests to a domain"),
    "KLIPING_MAX_PAGE_BYTES": ("10485760", "pages larger than this are dropped (bytes)"),
    "KLIPING_EXTRACT_WORKERS": ("0", "extraction processes; 0 = one per CPU core"),
    "KLIPING_RETRY_BACKOFF": ("2.0", "seconds before the first retry; doubles each retry"),
    "KLIPING_DOWNLOAD_TIMEOUT": ("30", "seconds a page may take to arrive before it is retried"),
    "KLIPING_MAX_CRAWLS": ("0", "crawls the daemon runs at once; 0 = one per CPU core"),
    "KLIPING_WORKERS": ("local", "local: the daemon crawls; external: `kliping worker`s do"),
}


# Accepted ranges: every number is checked at the edge, so "inf", "nan", "1e30" or "10^23" is a
# one-line error here rather than a hang or a traceback deep in a crawl.
BOUNDS: dict[str, tuple[float, float]] = {
    "KLIPING_CONCURRENCY_PER_DOMAIN": (1, 64),  # more than 64 parallel requests is an attack
    "KLIPING_DOWNLOAD_DELAY": (0, 3600),  # an hour between requests: a crawl would never end
    "KLIPING_MAX_PAGE_BYTES": (1024, 2147483648),  # 1 KiB .. 2 GiB; real articles are 50-500 KB
    "KLIPING_EXTRACT_WORKERS": (0, 256),  # each worker is a process of ~100 MB
    "KLIPING_RETRY_BACKOFF": (0, 600),  # doubled 3 times: at most 80 minutes of waiting
    "KLIPING_DOWNLOAD_TIMEOUT": (0.1, 3600),
    "KLIPING_MAX_CRAWLS": (0, 1024),  # each crawl is a child process of ~150 MB and its pool
}


def _default_home() -> Path:
    return Path(user_data_dir("kliping", appauthor=False))


def _default(name: str) -> str:
    return ENVIRONMENT[name][0]


@dataclass(frozen=True)
class Settings:
    # The defaults are ENVIRONMENT's (what the README's table shows), never written again here.
    database_url: str | None = None
    home: Path = field(default_factory=_default_home)
    outlets_file: Path | None = None
    user_agent: str = _default("KLIPING_USER_AGENT")
    log_level: str = _default("KLIPING_LOG_LEVEL")
    concurrency_per_domain: int = int(_default("KLIPING_CONCURRENCY_PER_DOMAIN"))
    download_delay: float = float(_default("KLIPING_DOWNLOAD_DELAY"))
    max_page_bytes: int = int(_default("KLIPING_MAX_PAGE_BYTES"))
    extract_workers: int = int(_default("KLIPING_EXTRACT_WORKERS"))
    retry_backoff: float = float(_default("KLIPING_RETRY_BACKOFF"))
    download_timeout: float = float(_default("KLIPING_DOWNLOAD_TIMEOUT"))
    max_crawls: int = int(_default("KLIPING_MAX_CRAWLS"))
    workers: str = _default("KLIPING_WORKERS")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str:
            return env.get(name, "").strip() or _default(name)

        def number(name: str, kind: type[int] | type[float]) -> int | float:
            raw = get(name)
            try:
                value = kind(raw)
            except ValueError:
                raise SettingsError(f"{name}={raw[:40]!r}: expected a {kind.__name__}") from None
            low, high = BOUNDS[name]
            if not math.isfinite(value) or not low <= value <= high:
                raise SettingsError(f"{name}={raw[:40]!r}: must be between {low} and {high}")
            return value

        agent = get("KLIPING_USER_AGENT")
        # It becomes an HTTP header: a line break would inject headers, a control character
        # makes http.client refuse every request.
        if len(agent) > 512 or not agent.isprintable() or not agent.isascii():
            raise SettingsError("KLIPING_USER_AGENT: at most 512 printable ASCII characters")
        level = get("KLIPING_LOG_LEVEL").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"KLIPING_LOG_LEVEL={level!r}: not a log level")
        home = get("KLIPING_HOME")
        try:
            home.encode("utf-8")  # it goes into postgres.json and postgresql.conf as text
        except UnicodeEncodeError:
            raise SettingsError("KLIPING_HOME is not valid UTF-8") from None
        outlets = get("KLIPING_OUTLETS")
        workers = get("KLIPING_WORKERS").lower()
        if workers not in {"local", "external"}:
            raise SettingsError(f"KLIPING_WORKERS={workers[:40]!r}: expected local or external")
        database_url = get("DATABASE_URL") or None
        if database_url:
            check_database_url(database_url)
        return cls(
            database_url=database_url,
            # Absolute: the embedded server's programs run in "/", not in this folder.
            home=Path(home).expanduser().absolute() if home else _default_home(),
            outlets_file=Path(outlets).expanduser() if outlets else None,
            user_agent=agent,
            log_level=level,
            concurrency_per_domain=int(number("KLIPING_CONCURRENCY_PER_DOMAIN", int)),
            download_delay=float(number("KLIPING_DOWNLOAD_DELAY", float)),
            max_page_bytes=int(number("KLIPING_MAX_PAGE_BYTES", int)),
            extract_workers=int(number("KLIPING_EXTRACT_WORKERS", int)),
            retry_backoff=float(number("KLIPING_RETRY_BACKOFF", float)),
            download_timeout=float(number("KLIPING_DOWNLOAD_TIMEOUT", float)),
            max_crawls=int(number("KLIPING_MAX_CRAWLS", int)),
            workers=workers,
        )


# Alert delivery's knobs live with their reader (config/alert_settings.py); documented alike.
from kliping.config.alert_settings import ALERT_ENVIRONMENT  # noqa: E402

ENVIRONMENT.update(ALERT_ENVIRONMENT)
