"""Network faults of the sample site: the ways a real outlet's server misbehaves on the wire.

Served under ``/gangguan/`` and listed only by ``faults.toml`` (never by the demo's registry:
a page that answers after the timeout would make every demo crawl wait for it).
"""

from __future__ import annotations

import os
import socket
import struct
import time
from typing import Any

from kliping.sample_site.broken import page

PREFIX = "/gangguan/2025/01/03/"
# robots.txt disallows this section; the feed still lists its pages.
FORBIDDEN = "/gangguan/terlarang/"
FORBIDDEN_PAGES = 5
# A slow page answers after this long; tests and bench/faults.py set KLIPING_DOWNLOAD_TIMEOUT
# below it, so the crawler must give up on it rather than wait.
SLOW_SECONDS = 3.0

# name -> (what goes wrong, what the crawler must end with: "stored" or "failed")
CASES = {
    "lambat": ("answers after SLOW_SECONDS, past the crawler's timeout", "failed"),
    "pelan": ("answers after 0.3 s, within the timeout", "stored"),
    "putus": ("resets the connection every time", "failed"),
    "putus-sekali": ("resets the connection once, then the article", "stored"),
    "penuh-sekali": ("503 with Retry-After: 1 once, then the article", "stored"),
    "penuh": ("503 with Retry-After: 1 every time", "failed"),
    "putar": ("a redirect loop", "failed"),
    "pindah": ("a redirect to another host (localhost, the same machine)", "failed"),
}
# Where "pindah" sends the crawler: off the outlet, so never to be fetched.
MOVED_TO = "/gangguan/tujuan-lain"


def feed(base: str) -> bytes:
    links = [f"{base}{PREFIX}{name}" for name in CASES]
    links += [f"{base}{FORBIDDEN}{i}" for i in range(FORBIDDEN_PAGES)]
    items = "".join(f"<item><title>{u}</title><link>{u}</link></item>" for u in links)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>gangguan</title>'
        f"{items}</channel></rss>"
    ).encode()


def _reset(handler: Any) -> None:
    """Close with a TCP RST (SO_LINGER 0), as an overloaded proxy or a firewall does."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    os.close(handler.connection.detach())
    handler.close_connection = True


def serve(handler: Any, path: str, hits: int) -> None:
    if path == "/gangguan/rss.xml":
        return handler._send(200, feed(handler.site.base), "application/rss+xml")
    name = path.removeprefix(PREFIX)
    article = page(f"Gangguan jaringan: {name}").encode()
    if path.startswith(FORBIDDEN):
        return handler._send(200, article)  # only a crawler ignoring robots.txt gets here
    if name not in CASES:
        return handler._send(404, b"<html><body>404</body></html>")
    if name in ("lambat", "pelan"):
        time.sleep(SLOW_SECONDS if name == "lambat" else 0.3)
        return handler._send(200, article)
    if name == "putus" or (name == "putus-sekali" and hits == 1):
        return _reset(handler)
    if name == "penuh" or (name == "penuh-sekali" and hits == 1):
        return handler._send(503, b"Service Unavailable", "text/plain", {"Retry-After": "1"})
    if name == "putar":
        return handler._send(301, b"", "text/html", {"Location": path})
    if name == "pindah":
        elsewhere = handler.site.base.replace("127.0.0.1", "localhost") + MOVED_TO
        return handler._send(302, b"", "text/html", {"Location": elsewhere})
    return handler._send(200, article)
