"""One log line per event, ``key=value`` fields after the message, level from the environment."""

from __future__ import annotations

import logging
import sys

_NOISY = ("scrapy", "twisted", "trafilatura", "htmldate", "apscheduler", "py.warnings")
# Scrapy's own lines about a page that then fails: kliping logs one line per failure with its
# reason ("failed URL: timeout: …"), so these repeat it, at INFO and above they are dropped.
_REPEATS = (
    "Gave up retrying",
    "Got data loss",
    "Expected to receive",
    "Received more bytes than",
    "Cancelling download",
    # A scheduled crawl still running at its next turn is skipped by design (max_instances=1).
    "maximum number of running instances",
)


def _reason(exc: object) -> str:
    """Words for an exception whose str() is empty (Twisted's connection errors often are)."""
    text = str(exc).strip()
    if text:
        return text
    inner = getattr(exc, "reasons", None)  # ResponseFailed: the failures behind it
    if inner:
        return f"{type(exc).__name__}: " + "; ".join(
            getattr(f, "getErrorMessage", lambda f=f: str(f))() for f in inner
        )
    return type(exc).__name__


class _Complete(logging.Filter):
    """Scrapy's "Gave up retrying … (failed 4 times): %(reason)s" printed nothing after the
    colon when the exception had no message: name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict) and "reason" in args and not str(args["reason"]).strip():
            record.args = dict(args, reason=_reason(args["reason"]))
        return True


class _LibraryFilter(logging.Filter):
    """Libraries speak only at WARNING and above, in one line: Scrapy resets its loggers'
    levels when a crawler starts, so a filter on the handler is the one place that holds."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(_NOISY):
            return True
        if record.levelno < logging.WARNING:
            return False
        message = str(record.msg)
        if any(text in message for text in _REPEATS):
            return False
        if record.exc_info:
            # One line, not a traceback per unreachable host (KLIPING_LOG_LEVEL=DEBUG keeps
            # them): the message already names the error, or gets it appended.
            exc = record.exc_info[1]
            line = record.getMessage()
            reason = _reason(exc)
            record.msg = line if reason in line else f"{line}: {reason}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


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
    handler.addFilter(_Complete())
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
