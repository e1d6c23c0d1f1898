"""The application: a connection pool, security headers, errors that never show a traceback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import jinja2
import psycopg
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from psycopg_pool import ConnectionPool, PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kliping import __version__
from kliping.config.outlets import Outlet
from kliping.storage import db
from kliping.web import format as fmt
from kliping.web.source_health import SourceCache

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
# A page that takes longer has a plan problem, not a reader to wait for: the statement is
# cancelled and the reader told so (the benchmark's pages answer in milliseconds).
STATEMENT_TIMEOUT_MS = 5000
POOL_SIZE = 4  # uvicorn runs sync endpoints in threads; 4 connections serve a small team
# How long a request waits for a connection: past it (the database is down or every connection
# busy) the reader gets a 503 at once rather than a page that hangs for the pool's default 30 s.
POOL_WAIT_SECONDS = 5.0
# Everything from this server; no script at all; inline SVG needs no exception.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every outlet-supplied string is escaped, whatever the file's name
    )
    env.filters.update(wib=fmt.wib, wib_time=fmt.wib_time, safe_href=fmt.safe_href, clip=fmt.clip)
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


class Hardening:
    """Adds the security headers to every response, drops empty query parameters (a form's
    blank field means "no filter", not an invalid date or number), and answers HEAD as GET
    without the body (uptime checks use HEAD; FastAPI's routes take GET only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if any(not v for _, v in pairs):  # else left exactly as the client sent it
            scope = dict(scope, query_string=urlencode([(k, v) for k, v in pairs if v]).encode())

        head = scope.get("method") == "HEAD"
        if head:
            scope = dict(scope, method="GET")

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            elif head and message["type"] == "http.response.body":
                message = dict(message, body=b"")
            await send(message)

        await self.app(scope, receive, send_hardened)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
            given = e.get("input")
            shown = f" (got {given!r})" if isinstance(given, str | int) else ""
            # pydantic's date message ("input is too short") does not say what is expected
            msg = (
                "expected a date as YYYY-MM-DD"
                if e.get("type", "").startswith("date")
                else e.get("msg", "invalid")
            )
            parts.append(f"{where}: {msg}{shown}")
        return error(request, 400, "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(psycopg.errors.InsufficientPrivilege)
    async def denied(request: Request, exc: Exception) -> Response:
        return error(
            request,
            403,
            "this page reads the tables (articles, crawl_runs); the read-only role may read "
            "only the views story_overview and story_articles: the story pages work with it",
        )

    @app.exception_handler(psycopg.errors.QueryCanceled)
    async def slow(request: Request, exc: Exception) -> Response:
        return error(
            request, 503, f"the query took over {STATEMENT_TIMEOUT_MS} ms: narrow the filters"
        )

    @app.exception_handler(psycopg.OperationalError)
    @app.exception_handler(PoolTimeout)
    async def down(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable: %s", str(exc).strip())
        return error(request, 503, "the database is unavailable; try again shortly")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        # Logged with its traceback on the server; the reader sees one line.
        log.exception("error serving %s", request.url.path)
        response = error(request, 500, "internal error (logged on the server)")
        response.headers.update({k.decode(): v.decode() for k, v in HEADERS})
        return response


def _configure(conn: psycopg.Connection) -> None:
    db.configure_reader(conn, STATEMENT_TIMEOUT_MS)


def create_app(conninfo: str, registry: dict[str, Outlet] | None = None) -> FastAPI:
    pool = ConnectionPool(
        conninfo,
        min_size=1,
        max_size=POOL_SIZE,
        open=False,
        # Never prepared: each query is planned with its values, which decide the plan (a
        # search for a word in most articles walks the stories by time; a rare one starts from
        # the text index), where a generic plan would pick one for all.
        kwargs={"prepare_threshold": None},
        configure=_configure,
        check=ConnectionPool.check_connection,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.open(wait=True, timeout=30)
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="kliping",
        version=__version__,
        description="Read-only access to the stories kliping clustered: the JSON API beside "
        "the pages. Times are ISO 8601 in WIB (+07:00).",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger page loads its script from a CDN: /api/docs instead
        redoc_url=None,
    )
    app.state.pool = pool
    app.state.registry = registry or {}
    app.state.source_cache = SourceCache()  # the Outlets page's drift, per outlet until a run ends
    app.state.templates = templates()
    app.add_middleware(Hardening)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_errors(app)
    from kliping.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def connection(request: Request) -> Iterator[psycopg.Connection]:
    """A pooled connection for one request (a FastAPI dependency)."""
    with request.app.state.pool.connection(timeout=POOL_WAIT_SECONDS) as conn:
        yield conn
