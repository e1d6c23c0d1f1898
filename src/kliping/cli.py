"""The ``kliping`` command: the front door to crawling, clustering, the daemon and the stories.

Each subcommand's work lives in the package that owns it; this module only parses arguments.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from kliping import __version__
from kliping.config.errors import ConfigError
from kliping.storage.errors import StorageError

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A user-facing failure: printed as ``kliping: <message>`` with exit status 1."""


def _lazy(module: str, function: str) -> Handler:
    # Import on use: `kliping --help` and `kliping cluster` must not pay for Scrapy's import.
    def run(args: argparse.Namespace) -> int:
        import importlib

        return int(getattr(importlib.import_module(module), function)(args))

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kliping",
        description="Scheduled news monitoring for Indonesian online media: crawl outlets, "
        "extract clean text, group copies and re-writes into stories, read them from Postgres.",
        epilog="Environment: DATABASE_URL (unset: a private embedded Postgres under "
        "KLIPING_HOME), KLIPING_HOME (data folder). See the README for all KLIPING_* settings.",
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
        type=float,
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
    crawl.add_argument("--since", help="backfill: walk dated index pages from DATE (YYYY-MM-DD)")
    crawl.add_argument("--until", help="backfill: up to DATE inclusive (default: today)")
    crawl.add_argument("--refresh", action="store_true", help="fetch stored articles again")
    crawl.add_argument("--max-articles", type=int, default=0, help="stop an outlet after N")
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
        type=float,
        metavar="SECONDS",
        help="crawl every outlet this often instead of its registry interval (testing, benchmarks)",
    )
    daemon.add_argument(
        "--crawl-timeout",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="a crawl running longer is stopped and recorded as failed (default 1800)",
    )
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
    stories.add_argument("--since", help="only stories seen since DATE (YYYY-MM-DD)")
    stories.add_argument("--outlet", help="only stories with an article from OUTLET")
    stories.add_argument("--min-size", type=int, default=1, help="at least N articles")
    stories.add_argument("--search", help="full-text search over titles and bodies")
    stories.add_argument("--limit", type=int, default=50, help="at most N stories (0: all)")
    stories.add_argument("--json", action="store_true", help="JSON lines")
    story = command("story", _lazy("kliping.commands.read", "story"), "one story's articles")
    story.add_argument("id", type=int, metavar="ID")
    story.add_argument("--json", action="store_true", help="one JSON object")
    export = command(
        "export", _lazy("kliping.commands.read", "export"), "stories with their articles"
    )
    export.add_argument("--since", required=True, help="DATE (YYYY-MM-DD)")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument(
        "--no-text",
        action="store_true",
        help="leave out the articles' text (most of the size): ids, titles, URLs, authors, times",
    )

    sample = command(
        "sample-site",
        _lazy("kliping.commands.sample_site", "serve_command"),
        "serve the bundled offline sample site on 127.0.0.1 and write a registry of its "
        "outlets (KLIPING_OUTLETS), to watch `kliping daemon` work with no network",
    )
    sample.add_argument("action", choices=["serve"])
    sample.add_argument(
        "--port", type=int, default=47801, help="the port to serve on (default 47801)"
    )

    outlets = command("outlets", _lazy("kliping.commands.outlets", "run"), "the outlet registry")
    outlets.add_argument(
        "action", nargs="?", choices=["list", "check"], default="list", help="check: validate"
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

    db = command(
        "db",
        _lazy("kliping.commands.db", "run"),
        "the database: upgrade (migrations), status, stop (the embedded server), recluster "
        "(forget and rebuild the stories of articles in --since/--until), check (what must hold "
        "however a process died: no half-written or doubled article, consistent stories; "
        "exit 1 if not)",
    )
    db.add_argument("action", choices=["upgrade", "status", "stop", "recluster", "check"])
    db.add_argument("--since", help="recluster: from DATE (YYYY-MM-DD, WIB)")
    db.add_argument("--until", help="recluster: up to DATE inclusive")
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# sysexits.h's EX_UNAVAILABLE: the database could not be reached (the daemon retries soon).
EXIT_UNAVAILABLE = 69
# sysexits.h's EX_NOPERM: the database refused who we are (wrong password), or this role may
# not do what the command needs (the read-only role running `kliping status`).
EXIT_NOPERM = 77


def _database_error(exc: Exception, psycopg: Any) -> int:
    """One line for what went wrong with the database, and an exit code per kind."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        print(f"kliping: this command needs the database owner's role (DATABASE_URL's user"
              f" may only read the story views): {first}", file=sys.stderr)  # fmt: skip
        return EXIT_NOPERM
    if isinstance(exc, psycopg.OperationalError):
        if "authentication failed" in str(exc) or "no password supplied" in str(exc):
            print("kliping: database authentication failed: check the user and password in"
                  " DATABASE_URL (or KLIPING_HOME/postgres.json)", file=sys.stderr)  # fmt: skip
            return EXIT_NOPERM
        print(f"kliping: database unavailable: {str(exc).strip()}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    raise exc


def _undecodable(argv: Sequence[str]) -> str | None:
    """An argument that is not valid UTF-8 (Python carries its bytes as lone surrogates)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg.encode("utf-8", "replace").decode("utf-8")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    bad = _undecodable(sys.argv[1:] if argv is None else argv)
    if bad is not None:
        print(f"kliping: arguments must be UTF-8 text: {bad!r}", file=sys.stderr)
        return 2  # argparse's code for a bad command line
    parser = build_parser()
    args = parser.parse_args(argv)
    from kliping import logs
    from kliping.config.settings import Settings

    # SIGTERM before Scrapy installs its own handler (or outside a crawl) unwinds like ^C,
    # so ``finally`` blocks record what was done instead of leaving runs marked 'running'.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        args.settings = Settings.from_env()
        logs.setup(args.settings.log_level)
        return args.handler(args)
    except (CommandError, ConfigError, StorageError) as exc:
        print(f"kliping: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 143
    except BrokenPipeError:
        # The reader went away (`kliping export ... | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0
    except Exception as exc:
        psycopg = sys.modules.get("psycopg")  # not imported by commands that need no database
        if psycopg is None or not isinstance(exc, psycopg.Error):
            raise
        return _database_error(exc, psycopg)


if __name__ == "__main__":
    sys.exit(main())
