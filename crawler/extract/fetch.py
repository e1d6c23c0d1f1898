"""Fetching outside Scrapy (``kliping extract URL``, ``kliping outlets check --live``): http(s)
only, redirects checked, size and time bounded, Settings' User-Agent and timeout.

urllib would follow a redirect to ``ftp://`` or to the machine's own services, read a body of
any size whole, and let a server that drips one byte a second hold the command for as long as
it likes (its timeout is per read). Here: at most MAX_REDIRECTS redirects, to http(s) only; from
a public address never to a loopback, link-local or private one; the body is read up to
KLIPING_MAX_PAGE_BYTES; each connect or read waits KLIPING_DOWNLOAD_TIMEOUT at most, and one
deadline covers the whole fetch, enforced by closing the socket when it passes (the numbers:
kliping.config.limits).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from kliping.config.limits import DEADLINE_TIMEOUTS, MAX_REDIRECTS
from kliping.config.settings import Settings

from .document import decode
from .errors import ExtractionError

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 65536
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


def check_http_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; ExtractionError for anything else."""
    shown = url[:200].encode("unicode_escape").decode("ascii")  # one line, whatever it holds
    if any(c.isspace() or not c.isprintable() for c in url):
        raise ExtractionError(shown, "malformed URL: spaces or control characters")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ExtractionError(shown, "malformed URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ExtractionError(shown, f"only http and https URLs are fetched, not {scheme!r}")
    if not host:
        raise ExtractionError(shown, "the URL has no host")
    return scheme, host, port or (443 if scheme == "https" else 80)


def is_local(host: str) -> bool:
    """The host names this machine or its private network (resolved; unresolvable: False)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_unspecified:
            return True
    return False


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # the final answer's (not a redirect)
    body: bytes
    charset: str | None


@dataclass
class Fetcher:
    """Fetches before ``deadline`` (time.monotonic()), each connect or read within ``timeout``."""

    deadline: float
    max_bytes: int
    user_agent: str
    timeout: float = Settings.download_timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> Fetcher:
        """A fetcher whose deadline starts now and covers DEADLINE_TIMEOUTS timeouts."""
        return cls(
            deadline=time.monotonic() + DEADLINE_TIMEOUTS * settings.download_timeout,
            max_bytes=settings.max_page_bytes,
            user_agent=settings.user_agent,
            timeout=settings.download_timeout,
        )

    def get(self, url: str) -> tuple[str, str]:
        """(final URL, decoded body) of ``url`` after checked redirects; an HTTP error raises."""
        got = self.fetch(url)
        if got.status >= 400:
            raise ExtractionError(url, f"fetch failed: HTTP {got.status}")
        return got.url, _decode(got.body, got.charset)

    def fetch(self, url: str) -> Response:
        """The final answer to ``url`` after checked redirects, whatever its status."""
        host = check_http_url(url)[1]
        local_origin = is_local(host)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            status, location, body, charset = self._one(current)
            if status in _REDIRECTS and location:
                # Escaped as a browser would (a space in a Location is common and harmless).
                target = urljoin(current, quote(location.strip(), safe=_URL_SAFE))
                _, next_host, _ = check_http_url(target)  # refuses ftp:, file:, data: ...
                if not local_origin and is_local(next_host):
                    raise ExtractionError(url, f"redirected to a local address ({next_host})")
                current = target
                continue
            return Response(current, status, body, charset)
        raise ExtractionError(url, f"fetch failed: more than {MAX_REDIRECTS} redirects")

    def _one(self, url: str) -> tuple[int, str | None, bytes, str | None]:
        scheme, host, port = check_http_url(url)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise ExtractionError(url, "fetch failed: the deadline passed")
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        try:
            conn = kind(host, port, timeout=min(self.timeout, remaining))
        except (ValueError, http.client.HTTPException) as err:  # a host http.client refuses
            raise ExtractionError(url, f"malformed URL: {err}") from None
        # A read blocks up to self.timeout, and a dripping server makes every read short: the
        # watchdog closes the socket at the deadline, which ends whatever read is under way.
        watchdog = threading.Timer(remaining, _abort, [conn])
        watchdog.daemon = True
        watchdog.start()
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        path = quote(path, safe=_URL_SAFE)  # "/berita-ü" goes as "/berita-%C3%BC", as browsers do
        try:
            headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity"}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            if response.status in _REDIRECTS:
                return response.status, response.getheader("Location"), b"", None
            declared = response.getheader("Content-Length") or ""
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise _too_large(url, self.max_bytes)
            chunks, total = [], 0
            while chunk := response.read1(_CHUNK):
                total += len(chunk)
                if total > self.max_bytes:
                    raise _too_large(url, self.max_bytes)
                if time.monotonic() > self.deadline:
                    raise OSError("deadline passed")
                chunks.append(chunk)
            if declared.isdigit() and total < int(declared):  # the server closed early
                raise ExtractionError(url, f"fetch failed: truncated: {total} of {declared} bytes")
            charset = _CHARSET.search(response.getheader("Content-Type") or "")
            return response.status, None, b"".join(chunks), charset and charset.group(1)
        except (OSError, ValueError, http.client.HTTPException) as err:  # ValueError: idna, ...
            if time.monotonic() >= self.deadline:
                raise ExtractionError(
                    url, "fetch failed: no complete answer before the deadline"
                ) from None
            raise ExtractionError(url, f"fetch failed: {err or type(err).__name__}") from None
        finally:
            watchdog.cancel()
            conn.close()


def _abort(conn: http.client.HTTPConnection) -> None:
    with contextlib.suppress(OSError, AttributeError):
        conn.sock.shutdown(socket.SHUT_RDWR)


def _too_large(url: str, limit: int) -> ExtractionError:
    return ExtractionError(url, f"page larger than KLIPING_MAX_PAGE_BYTES ({limit} bytes)")


def _decode(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)
