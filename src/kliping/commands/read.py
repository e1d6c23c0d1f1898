"""``kliping stories``, ``kliping story ID``, ``kliping export``: reading the clustered stories."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg

from kliping.cli import CommandError
from kliping.commands.dates import WIB, day_start
from kliping.config.settings import Settings
from kliping.storage import db
from kliping.storage.stories import (
    EventRow,
    MemberRow,
    StoryFilter,
    StoryRow,
    get_story,
    list_stories,
    merged_into,
    outlet_has_stories,
    story_events,
    story_members,
    story_outlets,
)


@contextmanager
def _reading(settings: Settings, timeout: int | None = None) -> Iterator[psycopg.Connection]:
    """A connection for reading: migrated when this role may; the README's read-only role
    (SELECT on the views only) may not, and reads the schema as it is."""
    url = db.database_url(settings)
    try:
        conn = db.connect(url)
    except psycopg.errors.InsufficientPrivilege:
        conn = db.connect(url, upgrade=False)
    # The listing commands give up on a statement after ``timeout`` seconds (READ_TIMEOUT_SECONDS).
    if timeout:
        db.set_statement_timeout(conn, f"{timeout}s")
    try:
        with conn:
            yield conn
    except psycopg.errors.InsufficientPrivilege as exc:
        raise CommandError(
            f"{exc}: a read-only role reads only the views story_overview, story_events and"
            " story_articles"
            " (--search needs the articles table)"
        ) from None


# A listing or one story taking longer is a mistake (a pathological --search), not worth a
# hang; `export` reads everything since a date and may rightly take longer, so it has none.
READ_TIMEOUT_SECONDS = 60


def _outlet(conn: psycopg.Connection, args: argparse.Namespace) -> str | None:
    """``--outlet``, case-insensitive, checked against the registry and the stored stories."""
    if args.outlet is None:
        return None
    from kliping.commands.outlets import load

    wanted = args.outlet.strip().lower()
    registry = set(load(args))
    if wanted in registry:
        return wanted
    # An outlet since removed from the registry still has its stories.
    if outlet_has_stories(conn, wanted):
        return wanted
    known = registry | story_outlets(conn)
    raise CommandError(f"unknown outlet {args.outlet!r} (known: {', '.join(sorted(known))})")


def _wib(when: datetime | None) -> str:
    return when.astimezone(WIB).strftime("%d %b %Y %H:%M WIB") if when else "-"


def _iso(when: datetime | None) -> str | None:
    # In WIB, like the text output: the same instant whatever the server's TimeZone.
    return when.astimezone(WIB).isoformat() if when else None


def member_json(m: MemberRow, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.article_id,
        "event_id": m.event_id,
        "outlet": m.outlet,
        "title": m.title,
        "url": m.url,
        "published": _iso(m.published),
        "duplicate_of": m.duplicate_of,
    }
    if full:  # export: what an analyst needs without a second query
        out.update(authors=m.authors, fetched_at=_iso(m.fetched_at))
        if m.text is not None:
            out["text"] = m.text
    return out


def story_json(
    story: StoryRow,
    members: list[MemberRow] | None = None,
    events: list[EventRow] | None = None,
    full: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": story.story_id,
        "title": story.title,
        "size": story.article_count,
        "event_count": story.event_count,
        "outlets": story.outlets,
        "first_seen": _iso(story.first_seen),
        "last_seen": _iso(story.last_seen),
    }
    if members is not None:
        out["articles"] = [member_json(m, full) for m in members]
    if events is not None:
        out["events"] = [
            {
                "id": e.event_id,
                "title": e.title,
                "size": e.article_count,
                "outlets": e.outlets,
                "first_seen": _iso(e.first_seen),
                "last_seen": _iso(e.last_seen),
            }
            for e in events
        ]
    return out


def _span(first: datetime | None, last: datetime | None) -> str:
    """How long a story has run, first to last article: "45m", "5h12m", "2d3h"; "-" for one."""
    if first is None or last is None or last <= first:
        return "-"
    minutes = int((last - first).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 24 * 60:
        return f"{minutes // 60}h{minutes % 60:02d}m"
    return f"{minutes // (24 * 60)}d{minutes // 60 % 24}h"


def print_table(stories: list[StoryRow], out: Any = sys.stdout) -> None:
    if not stories:
        print("no stories", file=out)
        return
    header = (
        f"{'id':>5}  {'size':>4}  {'events':>6}  {'last seen':<21} {'span':>6}  {'title':<62}"
        " outlets"
    )
    print(header, file=out)
    for s in stories:
        title = (s.title or "")[:60] + ("…" if len(s.title or "") > 60 else "")
        outlets = ", ".join(s.outlets[:5]) + (
            f" +{len(s.outlets) - 5}" if len(s.outlets) > 5 else ""
        )
        print(
            f"{s.story_id:>5}  {s.article_count:>4}  {s.event_count:>6}  {_wib(s.last_seen):<21}"
            f" {_span(s.first_seen, s.last_seen):>6}  {title:<62} {outlets}",
            file=out,
        )


def stories(args: argparse.Namespace) -> int:
    with _reading(args.settings, READ_TIMEOUT_SECONDS) as conn:
        where = StoryFilter(
            since=day_start(args.since, "--since"),
            outlet=_outlet(conn, args),
            min_size=args.min_size,
            search=args.search,
        )
        # One more than shown: to know there are more.
        found = list_stories(conn, where, limit=args.limit + 1 if args.limit > 0 else None)
    more = args.limit > 0 and len(found) > args.limit
    found = found[: args.limit] if more else found
    if args.json:
        for s in found:
            print(json.dumps(story_json(s), ensure_ascii=False))
    else:
        print_table(found)
    if more:
        print(f"kliping: the newest {args.limit} stories shown; --limit N (0: all) for more",
              file=sys.stderr)  # fmt: skip
    return 0


def story(args: argparse.Namespace) -> int:
    with _reading(args.settings, READ_TIMEOUT_SECONDS) as conn:
        found = get_story(conn, args.id)
        if found is None:
            try:
                into = merged_into(conn, args.id)
            except psycopg.errors.InsufficientPrivilege:
                into = None  # the read-only role reads only the views
            if into is not None:
                raise CommandError(
                    f"story {args.id} was merged into story {into}: `kliping story {into}`"
                )
            raise CommandError(f"no story {args.id}")
        members = story_members(conn, [args.id])
        events = story_events(conn, [args.id])
    if args.json:
        print(json.dumps(story_json(found, members, events), ensure_ascii=False))
        return 0
    print(f"story {found.story_id}: {found.title}")
    print(
        f"{found.article_count} articles in {found.event_count} events from"
        f" {', '.join(found.outlets)}; {_wib(found.first_seen)} – {_wib(found.last_seen)}"
    )
    copies: dict[int, list[MemberRow]] = {}
    for m in members:
        if m.duplicate_of is not None:
            copies.setdefault(m.duplicate_of, []).append(m)
    by_event: dict[int | None, list[MemberRow]] = {}
    for m in members:
        if m.duplicate_of is not None and any(o.article_id == m.duplicate_of for o in members):
            continue  # printed under its original
        by_event.setdefault(m.event_id, []).append(m)
    headed: list[tuple[EventRow | None, list[MemberRow]]] = [
        (e, by_event.pop(e.event_id, [])) for e in events
    ]
    headed += [(None, rest) for rest in by_event.values()]  # members without an event (none)
    for e, rows in headed:
        if e is not None:
            print(
                f"\n  event {e.event_id}: {e.title}  ({e.article_count} articles,"
                f" {_wib(e.first_seen)} – {_wib(e.last_seen)})"
            )
        for m in rows:
            print(f"    {_wib(m.published):<21} {m.outlet:<14} {m.title}\n    {'':<21} {m.url}")
            for c in copies.get(m.article_id, []):
                print(f"      └ copy {_wib(c.published):<21} {c.outlet:<14} {c.url}")
    return 0


def export(args: argparse.Namespace) -> int:
    with _reading(args.settings) as conn:
        found = list_stories(conn, StoryFilter(since=day_start(args.since, "--since")), limit=None)
        members = story_members(conn, [s.story_id for s in found], text=not args.no_text)
    by_story: dict[int, list[MemberRow]] = {}
    for m in members:
        by_story.setdefault(m.story_id, []).append(m)
    if args.format == "jsonl":
        for s in found:
            row = story_json(s, by_story.get(s.story_id, []), full=True)
            print(json.dumps(row, ensure_ascii=False))
        return 0
    writer = csv.writer(sys.stdout)
    header = ["story_id", "story_title", "event_id", "article_id", "outlet", "title", "url",
              "published", "duplicate_of", "authors", "fetched_at"]  # fmt: skip
    writer.writerow(header + ([] if args.no_text else ["text"]))
    for s in found:
        for m in by_story.get(s.story_id, []):
            cells = [s.story_id, s.title, m.event_id or "", m.article_id, m.outlet, m.title, m.url,
                     _iso(m.published) or "", m.duplicate_of or "", "; ".join(m.authors),
                     _iso(m.fetched_at) or ""]  # fmt: skip
            writer.writerow(cells + ([] if args.no_text else [m.text or ""]))
    return 0
