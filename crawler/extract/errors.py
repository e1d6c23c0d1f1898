"""Errors raised by the extraction library."""

from __future__ import annotations

from kliping.config.errors import KlipingError


class ExtractionError(KlipingError):
    """A page yielded no article body; the crawler counts it as a failed fetch.

    Raised for empty, truncated-to-nothing or non-HTML input, and for pages whose
    boilerplate-free body is empty. Never raised for a page that merely lacks
    metadata (title, date, authors): those fields are ``None`` or empty instead.
    """

    def __init__(self, url: str | None, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url or '<no url>'}: {reason}")
