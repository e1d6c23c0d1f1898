"""``kliping watch add|list|remove|test|send``: watchlists and their alerts.

Only argparse at import: ``build_parser`` reads ``add_arguments`` for every command line.
"""

from __future__ import annotations

import argparse
import sys

from kliping.cli import CommandError

TARGET_HELP = "webhook:URL or email:ADDR (repeatable)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="a new watchlist; fires after each clustering pass")
    add.add_argument("name", metavar="NAME")
    add.add_argument("query", metavar="QUERY", help="websearch syntax, as `stories --search`")
    add.add_argument("--outlet", action="append", default=[], metavar="OUTLET",
                     help="only articles of OUTLET (repeatable)")  # fmt: skip
    add.add_argument("--min-outlets", type=int, default=0, metavar="N",
                     help="also fire when a matching event reaches N outlets")  # fmt: skip
    add.add_argument("--notify", action="append", default=[], metavar="TARGET", help=TARGET_HELP)
    add.add_argument("--digest", metavar="HH:MM",
                     help="also a daily digest of the day's events at HH:MM WIB")  # fmt: skip
    sub.add_parser("list", help="watchlists with their alert counts, and failed deliveries")
    remove = sub.add_parser("remove", help="forget a watchlist and its undelivered alerts")
    remove.add_argument("name", metavar="NAME")
    test = sub.add_parser("test", help="what NAME would have fired over the last days")
    test.add_argument("name", metavar="NAME")
    test.add_argument("--days", type=float, default=7.0, help="clustered in the last N days (7)")
    send = sub.add_parser("send", help="deliver due alerts in the foreground (the daemon does "
                          "this itself); SIGTERM stops it")  # fmt: skip
    send.add_argument("--once", action="store_true", help="deliver what is due now, then exit")


def _where(target: str) -> str:
    """A target for display: a webhook's scheme and host only (its path may hold a token)."""
    kind, _, rest = target.partition(":")
    if kind == "webhook":
        scheme, _, tail = rest.partition("://")
        return f"webhook:{scheme}://{tail.split('/')[0]}/…"
    return target


def run(args: argparse.Namespace) -> int:
    import psycopg

    from kliping.alerts import watchlists
    from kliping.storage import db

    if args.action == "send":
        return _send(args)
    with db.connect(db.database_url(args.settings)) as conn:
        try:
            if args.action == "add":
                return _add(args, conn)
            if args.action == "list":
                return _list(conn)
            if args.action == "remove":
                watchlists.remove(conn, args.name)
                print(f"watchlist {args.name} removed")
                return 0
            return _test(args, conn)
        except psycopg.errors.DataError as exc:  # e.g. a query Postgres cannot parse
            raise CommandError(str(exc).strip()) from None


def _add(args: argparse.Namespace, conn: object) -> int:
    import os
    from datetime import time

    from kliping.alerts import watchlists
    from kliping.config.outlets import load_registry

    if args.min_outlets < 0:
        raise CommandError("--min-outlets must not be negative")
    try:
        digest = time.fromisoformat(args.digest) if args.digest else None
    except ValueError:
        raise CommandError(f"--digest {args.digest!r}: expected a time as HH:MM") from None
    registry = load_registry(args.settings.outlets_file)
    unknown = sorted(set(args.outlet) - set(registry))
    if unknown:
        raise CommandError(f"unknown outlet(s): {', '.join(unknown)} (see `kliping outlets`)")
    w = watchlists.add(conn, args.name, args.query, outlets=args.outlet,  # type: ignore[arg-type]
                       min_outlets=args.min_outlets, targets=args.notify,
                       digest_at=digest)  # fmt: skip
    scope = f" in {', '.join(w.outlets)}" if w.outlets else ""
    spread = f"; again when one reaches {w.min_outlets} outlets" if w.min_outlets else ""
    daily = f"; a digest daily at {w.digest_at:%H:%M} WIB" if w.digest_at else ""
    print(f"watchlist {w.name}: fires on new events matching {w.query!r}{scope}{spread}{daily}")
    print("delivers to: " + (", ".join(_where(t) for t in w.targets) or "nobody (recorded only)"))
    webhooks = any(t.startswith("webhook:") for t in w.targets)
    if webhooks and not os.environ.get("KLIPING_WEBHOOK_SECRET"):
        print("kliping: KLIPING_WEBHOOK_SECRET is unset: webhook bodies will not be signed",
              file=sys.stderr)  # fmt: skip
    return 0


def _list(conn: object) -> int:
    from kliping.alerts import watchlists
    from kliping.storage import alerts as outbox

    found = watchlists.all_watchlists(conn)  # type: ignore[arg-type]
    if not found:
        print("no watchlists (add one: kliping watch add NAME QUERY)")
        return 0
    counts = outbox.counts(conn)  # type: ignore[arg-type]
    print(f"{'name':<16} {'query':<28} {'outlets':<18} {'min':>3}  {'alerts':<28} notify")
    for w in found:
        c = counts.get(w.name, {})
        tally = ", ".join(f"{n} {s}" for s, n in sorted(c.items())) or "none yet"
        print(f"{w.name:<16} {w.query[:28]:<28} {','.join(w.outlets)[:18] or 'all':<18}"
              f" {w.min_outlets or '-':>3}  {tally:<28} "
              + (", ".join(_where(t) for t in w.targets) or "-"))  # fmt: skip
    failures = outbox.failed_deliveries(conn)  # type: ignore[arg-type]
    if failures:
        print("\nfailed deliveries (newest first):")
        for f in failures:
            print(f"  {f.watchlist}: {_where(f.target)} after {f.attempts} attempt(s):"
                  f" {f.reason} ({f.title})")  # fmt: skip
    return 0


def _test(args: argparse.Namespace, conn: object) -> int:
    from kliping.alerts import match, watchlists

    w = watchlists.get(conn, args.name)  # type: ignore[arg-type]
    found = match.preview(conn, w, args.days)  # type: ignore[arg-type]
    if not found:
        print(f"watchlist {w.name}: nothing would have fired over the last {args.days:g} days")
        return 0
    print(f"watchlist {w.name}: {len(found)} alert(s) over the last {args.days:g} days")
    print(f"{'reason':<8} {'fired':<5} {'event':>5}  {'first article':<21} {'outlets':>7}  title")
    for f in found:
        e = f.event
        print(f"{f.reason:<8} {'yes' if f.fired else 'no':<5} {e.id:>5}  "
              f"{match._wib(e.first_seen):<21} {len(e.outlets):>7}  {e.title}")  # fmt: skip
    return 0


def _send(args: argparse.Namespace) -> int:
    import threading

    import psycopg

    from kliping.alerts import deliver
    from kliping.config.alert_settings import AlertSettings
    from kliping.storage import db

    settings = AlertSettings.from_env()
    conninfo = db.database_url(args.settings)
    db.connect(conninfo).close()  # brings the schema up to date
    if args.once:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            tally = deliver.deliver_due(conn, settings)
        print(f"alerts: {tally.line()}")
        return 0
    print("delivering alerts; SIGTERM or ^C stops", file=sys.stderr)
    deliver.serve(conninfo, threading.Event(), settings)
    return 0
