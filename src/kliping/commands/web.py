"""``kliping web``: serve the read-only pages and JSON API (kliping.web) with uvicorn."""

from __future__ import annotations

import argparse
import sys

import psycopg

from kliping.cli import CommandError
from kliping.storage import db


def _conninfo(args: argparse.Namespace) -> str:
    """The database, migrated when this role may; the README's read-only role may not, and
    reads the schema as it is (as `kliping stories` does)."""
    url = db.database_url(args.settings)
    try:
        db.connect(url).close()
    except psycopg.errors.InsufficientPrivilege:
        db.connect(url, upgrade=False).close()
    return url


def _registry(args: argparse.Namespace) -> dict:
    from kliping.config.errors import ConfigError
    from kliping.config.outlets import load_registry

    try:
        return dict(load_registry(args.settings.outlets_file))
    except ConfigError as exc:
        # The pages read the database; the registry only adds names and crawl intervals.
        print(f"kliping: outlet registry not read ({exc}): default intervals", file=sys.stderr)
        return {}


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from kliping.web.app import create_app

    if not 0 <= args.port <= 65535:
        raise CommandError(f"--port {args.port}: expected 0-65535")
    app = create_app(_conninfo(args), _registry(args))
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"kliping: serving on {args.host}: anyone who can reach it reads the stories "
            "(no login; put it behind a proxy with authentication)",
            file=sys.stderr,
        )
    print(f"kliping web: http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    except SystemExit as exc:  # uvicorn exits when it cannot bind (port busy)
        raise CommandError(f"could not serve on {args.host}:{args.port}") from exc
    return 0
