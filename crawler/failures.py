"""Why a page failed, in words an operator can act on (their kinds key the run's failure counts).

Failures are typed (``PageFailure(kind, detail)``, crawler/items.py) and recognised by exception
class, never by message text: Scrapy >= 2.13 wraps Twisted's errors in
``scrapy.exceptions.Download*Error`` and keeps the original as ``__cause__``.
"""

from __future__ import annotations

import gzip
import zlib

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from kliping.crawler.items import PageFailure


class OffOutletRedirect(IgnoreRequest):
    """An article request redirected to a URL its outlet does not own; dropped unfetched."""

    def __init__(self, target: str) -> None:
        super().__init__(f"redirect off the outlet: {target}")
        self.target = target


def _lost_connection(exc: ResponseFailed) -> bool:
    return any(r.check(ConnectionLost) for r in getattr(exc, "reasons", ()))


def describe_failure(failure: Failure) -> PageFailure:
    exc = failure.value
    cause = exc.__cause__ if isinstance(exc, DownloadFailedError) else None
    if isinstance(exc, HttpError):
        return PageFailure(f"http {exc.response.status}")
    if isinstance(exc, DNSLookupError | CannotResolveHostError):
        return PageFailure("dns", "host not found")
    if isinstance(exc, TimeoutError | TCPTimedOutError | DownloadTimeoutError):
        return PageFailure("timeout", "no answer in time")
    if isinstance(exc, ConnectionRefusedError | DownloadConnectionRefusedError):
        return PageFailure("refused", "nothing listens at that address")
    if isinstance(exc, zlib.error | gzip.BadGzipFile):
        return PageFailure("undecodable", "the body does not match its Content-Encoding")
    if isinstance(cause, ResponseFailed) and _lost_connection(cause):
        return PageFailure("reset", "the server dropped the connection")
    if isinstance(exc, CancelledError | DownloadCancelledError):
        return PageFailure("too large", "page over the size limit")
    if isinstance(exc, ResponseFailed | ResponseDataLossError):
        return PageFailure("truncated", "connection closed before the whole page arrived")
    if isinstance(exc, OffOutletRedirect):  # where the outlet sent the crawler, not followed
        return PageFailure("redirect off the outlet", exc.target)
    if isinstance(exc, IgnoreRequest):
        # Scrapy's own middlewares say why only in the message (robots, redirects, size).
        text = str(exc) or type(exc).__name__
        if "robots" in text.lower():
            return PageFailure("robots", "forbidden by robots.txt")
        if "redirect" in text.lower():
            return PageFailure("redirects", "too many redirections")
        if "DOWNLOAD_MAXSIZE" in text:  # a compressed body that decompresses past the cap
            return PageFailure("too large", "page over the size limit")
        return PageFailure("ignored", text)
    return PageFailure("network", f"{type(exc).__name__}: {exc}")


def page_problem(response: Response) -> PageFailure | None:
    """A reason to refuse a 200 response before extraction, or None."""
    body = response.body
    if not body.strip():
        return PageFailure("empty", "the page has no content")
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if content_type and "html" not in content_type and "xml" not in content_type:
        return PageFailure("not html", content_type)
    if b"<" not in body[:4096]:
        return PageFailure("not html", "no markup")
    return None
