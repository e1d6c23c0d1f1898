"""The clusterer wired to Postgres: every stored article without a story gets one.

The engine is in memory and deterministic; its state is rebuilt by replaying the articles
already clustered in the recent window, and kept up to date by catching up with memberships
written since. Stored memberships are the truth: a replayed article maps the engine's story
label to the stored story. One writer at a time (an advisory lock), so two processes
clustering at once cannot interleave their writes.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import cast

import psycopg
from psycopg import sql

from kliping import alerts
from kliping.dedup.clusterer import Assignment, Clusterer, Doc
from kliping.dedup.offline import replay_order
from kliping.storage import locks

log = logging.getLogger(__name__)

# Stories older than this get no new members: same names weeks apart are another story, and
# the window bounds the replay at start-up (~3 days of Indonesian news ≈ 20k articles).
WINDOW = timedelta(days=3)

PARALLEL_FROM = 400  # articles; below this a process pool's start-up costs more than it saves
PARALLEL_WORKERS = 2

_COLUMNS = (
    "SELECT a.id, coalesce(a.title, ''), a.text, a.published, a.outlet, a.url, a.syndicated_from,"
    " m.story_id,"
    " coalesce(a.published, a.fetched_at) AS at"
)
_ARTICLE = _COLUMNS + " FROM articles a"
# Clustered articles with the time their membership was written (one per clustering batch) and
# their event.
_CLUSTERED = (
    _COLUMNS + ", m.added_at, m.event_id"
    " FROM articles a JOIN story_members m ON m.article_id = a.id"
)


def _doc(row: Sequence[object]) -> Doc:
    return Doc(
        id=str(row[0]),
        title=str(row[1]),
        text=str(row[2]),
        published=row[3],  # type: ignore[arg-type]
        outlet=row[4],  # type: ignore[arg-type]
        url=row[5],  # type: ignore[arg-type]
        syndicated_from=row[6],  # type: ignore[arg-type]
    )


class StoryStore:
    """A clusterer whose state follows the database; keep one per long-lived process."""

    def __init__(self, window: timedelta = WINDOW, replay: bool = True) -> None:
        """``replay`` False: the first batch is clustered from scratch (no earlier articles)."""
        self.window = window
        self.replay = replay
        self.engine = Clusterer()
        self.story_ids: dict[str, int] = {}  # engine label -> stories.id
        self.event_ids: dict[str, int] = {}  # engine event label -> events.id
        self.watermark: datetime | None = None  # story_members.added_at seen so far
        self.replayed_since: datetime | None = None  # oldest article time replayed

    def cluster_pending(self, conn: psycopg.Connection) -> int:
        """Assign every article that has no story yet; return how many were assigned."""
        conn.autocommit = True
        locks.lock(conn, locks.CLUSTERER)
        try:
            rows = conn.execute(
                _ARTICLE + " LEFT JOIN story_members m ON m.article_id = a.id"
                " WHERE m.article_id IS NULL ORDER BY a.id"
            ).fetchall()
            if not rows:
                return 0
            # The stories these articles may join: those active within WINDOW before the
            # oldest of them (a backfill of 2021 needs 2021's stories, not this week's).
            self._catch_up(conn, min(r[8] for r in rows) - self.window)
            docs = [_doc(r) for r in rows]
            touched: set[int] = set()
            events: set[int] = set()
            with conn.transaction():
                self._apply_merges(conn, touched, events)  # those the replay found
                ordered = [docs[i] for i in replay_order(docs)]
                for doc, assignment in zip(ordered, self._add_all(ordered), strict=True):
                    story_id, event_id = self._write(conn, doc, assignment)
                    touched.add(story_id)
                    events.add(event_id)
                    self._apply_merges(conn, touched, events)
                self._refresh(conn, touched)
                self._refresh_events(conn, events)
                alerts.after_clustering(conn)  # in this transaction: alerts commit with it
            self.engine.forget_before(max(r[8] for r in rows) - self.window)
            self.watermark = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
            log.info("clustered %d articles into %d stories", len(docs), len(touched))
            return len(docs)
        finally:
            locks.unlock(conn, locks.CLUSTERER)

    def _catch_up(self, conn: psycopg.Connection, since: datetime) -> None:
        """Replay the clustered articles the engine has not seen: at start-up (or when older
        articles arrive) all those from ``since`` on, later the memberships written since."""
        if not self.replay and self.watermark is None:
            self.replayed_since = since  # from scratch: the batch alone
            return
        if self.watermark is None or self.replayed_since is None or since < self.replayed_since:
            rows = conn.execute(
                _CLUSTERED + " WHERE coalesce(a.published, a.fetched_at) >= %s"
                " ORDER BY m.added_at, a.id",
                (since,),
            ).fetchall()
            self.replayed_since = since
        else:
            rows = conn.execute(
                _CLUSTERED + " WHERE m.added_at >= %s ORDER BY m.added_at, a.id",
                (self.watermark,),
            ).fetchall()
        rows = _as_clustered(rows)
        for row, assignment in zip(rows, self._add_all([_doc(r) for r in rows]), strict=True):
            self.story_ids.setdefault(assignment.story, int(cast(int, row[7])))
            if row[10] is not None:
                self.event_ids.setdefault(assignment.event, int(cast(int, row[10])))

    def _story_id(self, conn: psycopg.Connection, label: str) -> int:
        story_id = self.story_ids.get(label)
        if story_id is None:
            row = conn.execute(
                "INSERT INTO stories (label) VALUES (%s)"
                " ON CONFLICT (label) DO UPDATE SET updated_at = now() RETURNING id",
                (label,),
            ).fetchone()
            story_id = self.story_ids[label] = int(row[0])  # type: ignore[index]
        return story_id

    def _event_id(self, conn: psycopg.Connection, label: str) -> int:
        event_id = self.event_ids.get(label)
        if event_id is None:
            row = conn.execute(
                "INSERT INTO events (label) VALUES (%s)"
                " ON CONFLICT (label) DO UPDATE SET updated_at = now() RETURNING id",
                (label,),
            ).fetchone()
            event_id = self.event_ids[label] = int(row[0])  # type: ignore[index]
        return event_id

    def _apply_merges(self, conn: psycopg.Connection, touched: set[int], events: set[int]) -> None:
        """The engine joined two stories (an article bridged them) or two events within one:
        so does the database."""
        for absorbed, surviving in self.engine.drain_event_merges():
            into = self._event_id(conn, surviving)
            gone = self.event_ids.get(absorbed)
            self.event_ids[absorbed] = into
            if gone is None or gone == into:
                continue
            conn.execute("UPDATE story_members SET event_id = %s WHERE event_id = %s", (into, gone))
            conn.execute("DELETE FROM events WHERE id = %s", (gone,))
            for label, event_id in self.event_ids.items():
                if event_id == gone:
                    self.event_ids[label] = into
            events.discard(gone)
            events.add(into)
        for absorbed, surviving in self.engine.drain_merges():
            into = self._story_id(conn, surviving)
            gone = self.story_ids.get(absorbed)
            self.story_ids[absorbed] = into
            if gone is None or gone == into:
                continue
            conn.execute("UPDATE story_members SET story_id = %s WHERE story_id = %s", (into, gone))
            conn.execute("DELETE FROM stories WHERE id = %s", (gone,))
            conn.execute(
                "INSERT INTO story_merges (story_id, into_id) VALUES (%s, %s)"
                " ON CONFLICT (story_id) DO UPDATE SET into_id = EXCLUDED.into_id",
                (gone, into),
            )
            for label, story_id in self.story_ids.items():
                if story_id == gone:
                    self.story_ids[label] = into
            touched.discard(gone)
            touched.add(into)
            log.info("merged story %d into %d", gone, into)

    def _add_all(self, docs: list[Doc]) -> Iterator[Assignment]:
        # Large batches (a start-up replay, a backfill) prepare articles in two processes:
        # same assignments, about twice the rate; small ones are not worth the start-up.
        workers = PARALLEL_WORKERS if len(docs) >= PARALLEL_FROM else 1
        return self.engine.add_many(docs, workers=workers)

    def _write(self, conn: psycopg.Connection, doc: Doc, assignment: Assignment) -> tuple[int, int]:
        story_id = self._story_id(conn, assignment.story)
        event_id = self._event_id(conn, assignment.event)
        conn.execute(
            "INSERT INTO story_members (article_id, story_id, event_id, duplicate_of, score)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id) DO NOTHING",
            (
                int(doc.id),
                story_id,
                event_id,
                int(assignment.duplicate_of) if assignment.duplicate_of else None,
                assignment.score,
            ),
        )
        return story_id, event_id

    @staticmethod
    def _refresh(conn: psycopg.Connection, story_ids: set[int]) -> None:
        _refresh_summaries(conn, "stories", "story_id", story_ids)

    @staticmethod
    def _refresh_events(conn: psycopg.Connection, event_ids: set[int]) -> None:
        _refresh_summaries(conn, "events", "event_id", event_ids)


def _as_clustered(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Rows in the order they were first clustered, so a replay rebuilds the same stories: batch
    after batch (a batch's memberships share ``added_at``, written in one transaction), each in
    the order ``cluster_pending`` gave it. Replayed by article id instead, the order-dependent
    engine could group the window otherwise than the stored stories, and a later copy would join
    another story than its original (the killed-daemon drill caught it)."""
    ordered: list[tuple[object, ...]] = []
    for _, group in itertools.groupby(rows, key=lambda r: r[9]):
        batch = list(group)
        ordered += [batch[i] for i in replay_order([_doc(r) for r in batch])]
    return ordered


def cluster_pending(conn: psycopg.Connection) -> int:
    """One-shot: rebuild the state from the database, then assign what is pending."""
    return StoryStore().cluster_pending(conn)


# A story's or an event's summary (size, first/last seen, outlets, title: its first original's)
# from its members; one statement for both tables, which have the same summary columns.
_REFRESH = """
UPDATE {table} g SET article_count = x.n, first_seen = x.first, last_seen = x.last,
       outlets = x.outlets, title = x.title, updated_at = now()
FROM (
    SELECT m.{member} AS id, count(*) AS n,
           min(coalesce(a.published, a.fetched_at)) AS first,
           max(coalesce(a.published, a.fetched_at)) AS last,
           array_agg(DISTINCT a.outlet ORDER BY a.outlet) AS outlets,
           (array_agg(a.title ORDER BY m.duplicate_of IS NOT NULL,
                      coalesce(a.published, a.fetched_at), a.id))[1] AS title
    FROM story_members m JOIN articles a ON a.id = m.article_id
    WHERE m.{member} = ANY(%s::bigint[])
    GROUP BY m.{member}
) x
WHERE g.id = x.id
"""


def _refresh_summaries(conn: psycopg.Connection, table: str, member: str, ids: set[int]) -> None:
    if ids:
        query = sql.SQL(_REFRESH).format(table=sql.Identifier(table), member=sql.Identifier(member))
        conn.execute(query, (sorted(ids),))
