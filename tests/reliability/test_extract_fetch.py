"""Probes of ``kliping extract URL``'s fetcher: schemes, redirects, size, a dripping server."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kliping.crawler.extract import ExtractionError, cli_extract
from kliping.crawler.extract import fetch as fetch_module
from kliping.sample_site.corpus import load_records
from kliping.sample_site.render import render_article

pytestmark = pytest.mark.slow
PAGE = render_article(load_records()[0], url="http://127.0.0.1/x").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    other_port = 0

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/article":
            self._send(200, PAGE, Content_Type="text/html; charset=utf-8")
        elif path == "/to-other-port":
            self._send(302, Location=f"http://127.0.0.1:{self.other_port}/article")
        elif path == "/to-localhost":
            self._send(302, Location=f"http://localhost:{self.server.server_port}/article")
        elif path == "/to-ftp":
            self._send(302, Location="ftp://127.0.0.1/article")
        elif path == "/loop":
            self._send(302, Location="/loop")
        elif path == "/huge":
            # No Content-Length: only counting the bytes as they come can stop it.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(600):  # 2 minutes at 5 bytes a second
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        else:
            self._send(404)


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    Handler.other_port = servers[1].server_port
    try:
        yield f"http://127.0.0.1:{servers[0].server_port}"
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def _extract(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kliping", "extract", *args],
        env=dict(os.environ, KLIPING_HOME=str(Path("/nonexistent")), **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_redirect_to_another_port_reports_the_final_url(origin: str) -> None:
    done = _extract(f"{origin}/to-other-port")
    assert done.returncode == 0, done.stderr
    url = json.loads(done.stdout)["url"]
    assert url == f"http://127.0.0.1:{Handler.other_port}/article"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("ftp://127.0.0.1/article", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://[::1/x", "malformed URL"),
        ("http:///nohost", "no host"),
        ("http://exa mple.com/", "spaces or control characters"),
        ("http://127.0.0.1/a\nb", "spaces or control characters"),
        ("http://127.0.0.1:99999/", "malformed URL"),
    ],
)
def test_other_schemes_and_malformed_urls_are_refused(target: str, reason: str) -> None:
    done = _extract(target)
    assert done.returncode == 1 and reason in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/to-ftp", "only http and https"), ("/loop", "more than 5 redirects"), ("/nowhere", "404")],
)
def test_bad_redirects_are_refused(origin: str, path: str, reason: str) -> None:
    done = _extract(f"{origin}{path}")
    assert done.returncode == 1 and reason in done.stderr, done.stderr


def test_a_body_over_the_page_limit_is_not_read_whole(origin: str) -> None:
    done = _extract(f"{origin}/huge", KLIPING_MAX_PAGE_BYTES="1048576")
    assert done.returncode == 1 and "larger than KLIPING_MAX_PAGE_BYTES" in done.stderr


@pytest.mark.parametrize("path", ["/dev/zero", "big.html"])
def test_a_file_over_the_page_limit_is_not_read_whole(tmp_path: Path, path: str) -> None:
    target = tmp_path / path
    if path == "big.html":
        target.write_bytes(PAGE + b"<p>x</p>" * 300_000)  # 2.4 MB
    done = _extract(str(target), KLIPING_MAX_PAGE_BYTES="1048576")
    assert done.returncode == 1 and "larger than KLIPING_MAX_PAGE_BYTES" in done.stderr


def test_a_dripping_server_is_cut_off_at_the_deadline(origin: str) -> None:
    # The deadline is twice KLIPING_DOWNLOAD_TIMEOUT; the server would drip for 2 minutes,
    # and the subprocess timeout (120 s) fails the test if the deadline does not hold.
    done = _extract(f"{origin}/drip", KLIPING_DOWNLOAD_TIMEOUT="1")
    assert done.returncode == 1 and "deadline" in done.stderr, done.stderr


def test_a_public_page_may_not_redirect_to_a_local_address(
    origin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # All test servers are on 127.0.0.1: here 127.0.0.1 plays a public address, "localhost"
    # the machine's own services.
    monkeypatch.setattr(fetch_module, "is_local", lambda host: host == "localhost")
    with pytest.raises(ExtractionError, match="redirected to a local address"):
        cli_extract(f"{origin}/to-localhost")
    # The same redirect from a local origin is the user's own business.
    monkeypatch.setattr(fetch_module, "is_local", lambda host: True)
    assert cli_extract(f"{origin}/to-localhost")["url"].startswith("http://localhost:")


def test_local_addresses_are_recognised() -> None:
    assert fetch_module.is_local("127.0.0.1") and fetch_module.is_local("localhost")
    assert fetch_module.is_local("169.254.169.254") and fetch_module.is_local("10.1.2.3")
    assert not fetch_module.is_local("8.8.8.8")
