"""Why a page failed, in words an operator can act on (they key the run's failure counts)."""

from __future__ import annotations

import zlib

from scrapy.exceptions import IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed


def describe_failure(failure: Failure) -> str:
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http {exc.response.status}"
    if isinstance(exc, DNSLookupError):
        return "dns: host not found"
    # Scrapy 2.13+ wraps Twisted's errors in its own Download*Error classes: matched by name so
    # the older Scrapy the pin allows reads the same.
    name = type(exc).__name__
    if isinstance(exc, TimeoutError | TCPTimedOutError) or name == "DownloadTimeoutError":
        return "timeout: no answer in time"
    if name == "DownloadConnectionRefusedError":
        return "refused: nothing listens at that address"
    if isinstance(exc, zlib.error) or name in ("BadGzipFile", "DecompressionMaxSizeExceeded"):
        return "undecodable: the body does not match its Content-Encoding"
    if name == "DownloadFailedError" and "ConnectionLost" in str(exc):
        return "reset: the server dropped the connection"
    if isinstance(exc, CancelledError) or name == "DownloadCancelledError":
        return "too large: page over the size limit"
    if isinstance(exc, ResponseFailed | ResponseDataLossError):
        return "truncated: connection closed before the whole page arrived"
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or type(exc).__name__
        if text.startswith("redirect off the outlet"):
            return text  # its target is in the reason: where the outlet sent the crawler
        if "robots" in text.lower():
            return "robots: forbidden by robots.txt"
        if "redirect" in text.lower():
            return "redirects: too many redirections"
        return f"ignored: {text}"
    return f"network: {type(exc).__name__}: {exc}"


def page_problem(response: Response) -> str | None:
    """A reason to refuse a 200 response before extraction, or None."""
    body = response.body
    if not body.strip():
        return "empty: the page has no content"
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if content_type and "html" not in content_type and "xml" not in content_type:
        return f"not html: {content_type}"
    if b"<" not in body[:4096]:
        return "not html: no markup"
    return None
