"""One log line per event, ``key=value`` fields after the message, level from the environment."""

from __future__ import annotations

import logging
import sys

_NOISY = ("scrapy", "twisted", "trafilatura", "htmldate", "apscheduler", "py.warnings")


class _LibraryFilter(logging.Filter):
    """Libraries speak only at WARNING and above: Scrapy resets its loggers' levels when a
    crawler starts, so a filter on the handler is the one place that holds."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.name.startswith(_NOISY)


class _KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return line


def setup(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_KeyValueFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # On the handler too: Scrapy resets the root logger's level when a crawler starts.
    handler.setLevel(level)
    if logging.getLevelName(level) > logging.DEBUG:
        handler.addFilter(_LibraryFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries(level)


def quiet_libraries(level: str) -> None:
    """Scrapy, Twisted and APScheduler are chatty at INFO; kliping reports what matters."""
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
