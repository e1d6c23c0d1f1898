"""The ``kliping`` command: the front door to crawling, clustering, the daemon and the stories.

Each subcommand's work lives in the package that owns it; this module only parses arguments.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from kliping import __version__, argtypes
from kliping.argtypes import integer, seconds
from kliping.config import exits
from kliping.config.errors import KlipingError
from kliping.config.exits import (
    EXIT_DISK_FULL,
    EXIT_INTERNAL,
    EXIT_NOPERM,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
)
from kliping.config.limits import CRAWL_TIMEOUT_SECONDS

Handler = Callable[[argparse.Namespace], int]


class CommandError(KlipingError):
    """A user-facing failure: printed as ``kliping: <message>`` with exit status 1."""


def _lazy(module: str, function: str) -> Handler:
    # Import on use: `kliping --help` and `kliping cluster` must not pay for Scrapy's import.
    def run(args: argparse.Namespace) -> int:
        import importlib

        return int(getattr(importlib.import_module(module), function)(args))

    return run


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line (no usage block): what went wrong and where
    to read more. Subcommands' parsers are of this class too (add_subparsers copies it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kliping",
        description="Scheduled news monitoring for Indonesian online media: crawl outlets, "
        "extract clean text, group copies and re-writes into stories, read them from Postgres.",
        epilog="Environment: DATABASE_URL (unset: a private embedded Postgres under "
        "KLIPING_HOME), KLIPING_HOME (data folder). See the README for all KLIPING_* settings. "
        "Exit status: " + "; ".join(f"{code} {what}" for code, what in exits.MEANINGS) + ".",
    )
    parser.add_argument("--version", action="version", version=f"kliping {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    demo = command(
        "demo",
        _lazy("kliping.commands.demo", "run"),
        "with no set-up: embedded Postgres, the bundled sample site on 127.0.0.1, crawl, "
        "cluster, print the stories",
    )
    demo.add_argument(
        "--daemon",
        action="store_true",
        help="run the scheduler over the sample site in the foreground, to watch scheduled "
        "crawls and `kliping trigger` work offline (Ctrl-C stops it)",
    )
    demo.add_argument(
        "--every",
        type=seconds(1, 7 * 86400),
        default=60.0,
        metavar="SECONDS",
        help="--daemon: crawl every sample outlet this often (default 60)",
    )
    demo.add_argument(
        "--remove",
        action="store_true",
        help="delete what the demo stored (articles, stories, runs)",
    )
    demo.add_argument(
        "--into-database-url",
        action="store_true",
        help="write into DATABASE_URL's database (by default the demo uses the embedded one)",
    )

    crawl = command(
        "crawl",
        _lazy("kliping.commands.crawl", "run"),
        "crawl now (all outlets, or those named), with progress; non-zero exit if nothing "
        "could be fetched",
    )
    crawl.add_argument("outlets", nargs="*", metavar="OUTLET")
    crawl.add_argument(
        "--since", type=argtypes.day, help="backfill: walk dated index pages from DATE (YYYY-MM-DD)"
    )
    crawl.add_argument(
        "--until", type=argtypes.day, help="backfill: up to DATE inclusive (default: today)"
    )
    crawl.add_argument("--refresh", action="store_true", help="fetch stored articles again")
    crawl.add_argument(
        "--max-articles", type=integer(0, LIMIT_MAX), default=0, help="stop an outlet after N"
    )
    # Used by the daemon, which runs each crawl as a child process and clusters itself.
    crawl.add_argument(
        "--trigger",
        choices=["cli", "schedule", "manual", "demo"],
        default="cli",
        help=argparse.SUPPRESS,
    )
    crawl.add_argument("--no-cluster", action="store_true", help=argparse.SUPPRESS)
    crawl.add_argument("--run-id", type=int, help=argparse.SUPPRESS)  # the daemon's run row

    daemon = command(
        "daemon",
        _lazy("kliping.commands.daemon", "run"),
        "run the scheduler in the foreground (systemd runs it); SIGTERM stops it cleanly",
    )
    daemon.add_argument("outlets", nargs="*", metavar="OUTLET", help="only these outlets")
    daemon.add_argument(
        "--every",
        type=seconds(1, 7 * 86400),
        metavar="SECONDS",
        help="crawl every outlet this often instead of its registry interval (testing, benchmarks)",
    )
    daemon.add_argument(
        "--crawl-timeout",
        type=seconds(1, 86400),
        default=CRAWL_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="a crawl running longer is stopped and recorded as failed"
        f" (default {CRAWL_TIMEOUT_SECONDS:g})",
    )
    worker = command(
        "worker",
        _lazy("kliping.commands.worker", "run"),
        "take crawl jobs from the task queue (KLIPING_WORKERS=external), on any machine",
    )
    worker.add_argument(
        "--concurrency", type=int, default=0, metavar="N",
        help="crawls at once (default: KLIPING_MAX_CRAWLS)",
    )  # fmt: skip
    backfill = command(
        "backfill",
        _lazy("kliping.commands.worker", "backfill"),
        "queue one crawl job per outlet and past day for the workers (KLIPING_WORKERS=external)",
    )
    backfill.add_argument("outlets", nargs="+", metavar="OUTLET")
    backfill.add_argument("--since", required=True, metavar="DATE", help="first day, YYYY-MM-DD")
    backfill.add_argument("--until", metavar="DATE", help="last day (default: --since)")
    trigger = command(
        "trigger", _lazy("kliping.commands.daemon", "trigger"), "ask a running daemon to crawl now"
    )
    trigger.add_argument("outlets", nargs="+", metavar="OUTLET")
    status = command(
        "status",
        _lazy("kliping.commands.status", "status"),
        "daemon alive?, last/next crawl per outlet, queued triggers, last errors",
    )
    status.add_argument("--json", action="store_true", help="one JSON object")

    stories = command(
        "stories", _lazy("kliping.commands.read", "stories"), "recent stories, newest first"
    )
    stories.add_argument(
        "--since", type=argtypes.day, help="only stories seen since DATE (YYYY-MM-DD)"
    )
    stories.add_argument("--outlet", help="only stories with an article from OUTLET")
    stories.add_argument(
        "--min-size", type=integer(1, LIMIT_MAX), default=1, help="at least N articles"
    )
    stories.add_argument(
        "--search", type=argtypes.search, help="full-text search over titles and bodies"
    )
    stories.add_argument(
        "--limit", type=integer(0, LIMIT_MAX), default=50, help="at most N stories (0: all)"
    )
    stories.add_argument("--json", action="store_true", help="JSON lines")
    story = command("story", _lazy("kliping.commands.read", "story"), "one story's articles")
    story.add_argument("id", type=integer(1, argtypes.BIGINT_MAX), metavar="ID")
    story.add_argument("--json", action="store_true", help="one JSON object")
    export = command(
        "export", _lazy("kliping.commands.read", "export"), "stories with their articles"
    )
    export.add_argument("--since", type=argtypes.day, required=True, help="DATE (YYYY-MM-DD)")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument(
        "--no-text",
        action="store_true",
        help="leave out the articles' text (most of the size): ids, titles, URLs, authors, times",
    )

    web = command(
        "web", _lazy("kliping.commands.web", "run"), "read-only web pages and JSON API (stories)"
    )
    web.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1: local)")
    web.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    sample = command(
        "sample-site",
        _lazy("kliping.commands.sample_site", "serve_command"),
        "serve the bundled offline sample site on 127.0.0.1 and write a registry of its "
        "outlets (KLIPING_OUTLETS), to watch `kliping daemon` work with no network",
    )
    sample.add_argument("action", choices=["serve"])
    sample.add_argument(
        "--port", type=integer(1, 65535), default=47801, help="the port to serve on (default 47801)"
    )

    outlets = command("outlets", _lazy("kliping.commands.outlets", "run"), "the outlet registry")
    outlets.add_argument(
        "action",
        nargs="?",
        choices=["list", "check", "match"],
        default="list",
        help="check: validate; match: per URL, its outlet, article or not, and identity",
    )
    outlets.add_argument(
        "urls", nargs="*", metavar="URL", help="match: URLs (none: one a line on stdin)"
    )
    outlets.add_argument("--live", action="store_true", help="check: probe the real sites")
    outlets.add_argument("--json", action="store_true")

    extract = command(
        "extract",
        _lazy("kliping.commands.extract", "run"),
        "print one JSON object for one page: url, title, text, published, authors, language, pages",
    )
    extract.add_argument("target", metavar="FILE_OR_URL")
    extract.add_argument("--url", help="the page's URL, when FILE_OR_URL is a file")

    cluster = command(
        "cluster",
        _lazy("kliping.commands.cluster", "run"),
        "offline, no database: one JSON line {id, story, duplicate_of} per input article",
    )
    cluster.add_argument("--input", required=True, metavar="FILE.jsonl", help="'-' for stdin")

    from kliping.commands.watch import add_arguments as watch_arguments

    watch_help = "watchlists: saved searches that alert (webhook, email) on new events"
    watch_arguments(command("watch", _lazy("kliping.commands.watch", "run"), watch_help))
    db = command(
        "db",
        _lazy("kliping.commands.db", "run"),
        "the database: upgrade (migrations), status, stop (the embedded server), recluster "
        "(forget and rebuild the stories of articles in --since/--until), check (what must hold "
        "however a process died: no half-written or doubled article, consistent stories; "
        "exit 1 if not)",
    )
    db.add_argument("action", choices=["upgrade", "status", "stop", "recluster", "check"])
    db.add_argument("--since", type=argtypes.day, help="recluster: from DATE (YYYY-MM-DD, WIB)")
    db.add_argument("--until", type=argtypes.day, help="recluster: up to DATE inclusive")
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# --limit, --max-articles, --min-size: beyond a million a listing is an export, not a page.
LIMIT_MAX = 1_000_000


def _secrets() -> list[str]:
    """What must never be printed: DATABASE_URL itself and the password inside it."""
    import os
    from urllib.parse import quote, unquote

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return []
    found = {url}
    # Found by hand, not by a parser: this runs when the URL may be malformed.
    if "://" in url:
        userinfo = url.split("://", 1)[1].split("/", 1)[0].rpartition("@")[0]
        found.add(userinfo.partition(":")[2])
    for part in url.replace("&", " ").replace("?", " ").split():
        if part.lower().startswith("password="):
            found.add(part.split("=", 1)[1].strip("'"))
    found |= {unquote(f) for f in found} | {quote(f, safe="") for f in found}
    return sorted((f for f in found if len(f) >= 3), key=len, reverse=True)


def _report_internal_error(exc: BaseException) -> None:
    """A traceback for a bug, with every secret masked (tracebacks quote values)."""
    import traceback

    text = "".join(traceback.format_exception(exc))
    for secret in _secrets():
        text = text.replace(secret, "***")
    print(text.rstrip() + "\nkliping: internal error (a bug): please report it", file=sys.stderr)


def _database_error(exc: Exception, psycopg: Any) -> int:
    """One line for what went wrong with the database (secrets masked), an exit code per kind."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        print(f"kliping: this command needs the database owner's role (DATABASE_URL's user"
              f" may only read the story views): {first}", file=sys.stderr)  # fmt: skip
        return EXIT_NOPERM
    if isinstance(exc, psycopg.OperationalError):
        # libpq reports a refused login only in its message (no SQLSTATE before a session).
        if "authentication failed" in str(exc) or "no password supplied" in str(exc):
            print("kliping: database authentication failed: check the user and password in"
                  " DATABASE_URL (or KLIPING_HOME/postgres.json)", file=sys.stderr)  # fmt: skip
            return EXIT_NOPERM
        from kliping.storage.errors import disk_full

        message = " ".join(str(exc).split())
        full = disk_full(exc)
        if full:
            message = f"disk full (ENOSPC): {message}"
        for secret in _secrets():
            message = message.replace(secret, "***")
        print(f"kliping: database unavailable: {message}", file=sys.stderr)
        return EXIT_DISK_FULL if full else EXIT_UNAVAILABLE
    _report_internal_error(exc)
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = argtypes.non_utf8_argument(argv)
    if bad is not None:
        print(f"kliping: argument {bad} is not valid UTF-8", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    argtypes.check_period(parser, args)
    if isinstance(getattr(args, "outlets", None), list):
        args.outlets = list(dict.fromkeys(args.outlets))  # the same outlet twice: one crawl
    from kliping.config import logs
    from kliping.config.settings import Settings

    # SIGTERM before Scrapy installs its own handler (or outside a crawl) unwinds like ^C,
    # so ``finally`` blocks record what was done instead of leaving runs marked 'running'.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        args.settings = Settings.from_env()
        logs.setup(args.settings.log_level)
        return args.handler(args)
    except KlipingError as exc:  # every package's errors derive from it (config/errors.py)
        print(f"kliping: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 143
    except BrokenPipeError:
        # The reader went away (`kliping export ... | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0
    except Exception as exc:
        psycopg = sys.modules.get("psycopg")  # not imported by commands that need no database
        if psycopg is None or not isinstance(exc, psycopg.Error):
            _report_internal_error(exc)
            return EXIT_INTERNAL
        return _database_error(exc, psycopg)


if __name__ == "__main__":
    sys.exit(main())
