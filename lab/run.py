"""Running ``kliping`` against the sample site in child processes (Scrapy's reactor runs once per
process, so every crawl of a test or a benchmark is its own process)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Kliping:
    env: dict[str, str]

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "kliping", *args]

    def run(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def daemon(self, *args: str, **env: str) -> subprocess.Popen[str]:
        """``kliping daemon ARGS`` in its own process group, which its crawl children share
        (so a test can kill the daemon alone, or everything it started)."""
        return subprocess.Popen(
            self.command("daemon", *args),
            env=dict(self.env, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )


def wait_for(check: Callable[[], object], timeout: float, what: str) -> object:
    """Poll ``check`` until it returns something true (returned); TimeoutError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)
    return value


def kliping_env(db_url: str, registry: Path, home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        KLIPING_OUTLETS=str(registry),
        KLIPING_HOME=str(home),
        # A loopback site: no need to wait between requests; retries back off briefly.
        KLIPING_DOWNLOAD_DELAY="0",
        KLIPING_CONCURRENCY_PER_DOMAIN="8",
        KLIPING_RETRY_BACKOFF="0.05",
        KLIPING_LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env
