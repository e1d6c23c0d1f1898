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
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import cast

import psycopg

from kliping import alerts
from kliping.dedup.clusterer import Assignment, Clusterer, Doc
from kliping.dedup.offline import replay_order
from kliping.storage import clusters, locks

log = logging.getLogger(__name__)

# Stories older than this get no new members: same names weeks apart are another story, and
# the window bounds the replay at start-up (~3 days of Indonesian news ≈ 20k articles).
WINDOW = timedelta(days=3)

PARALLEL_FROM = 400  # articles; below this a process pool's start-up costs more than it saves
PARALLEL_WORKERS = 2


def _doc(row: clusters.ArticleRow) -> Doc:
    return Doc(
        id=str(row.id),
        title=str(row.title),
        text=str(row.text),
        published=row.published,
        outlet=row.outlet,
        url=row.url,
        syndicated_from=row.syndicated_from,
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
            rows = clusters.pending_articles(conn)
            if not rows:
                return 0
            # The stories these articles may join: those active within WINDOW before the
            # oldest of them (a backfill of 2021 needs 2021's stories, not this week's).
            self._catch_up(conn, min(r.at for r in rows) - self.window)
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
                clusters.refresh_stories(conn, touched)
                clusters.refresh_events(conn, events)
                alerts.after_clustering(conn)  # in this transaction: alerts commit with it
            self.engine.forget_before(max(r.at for r in rows) - self.window)
            self.watermark = clusters.now(conn)
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
            rows = clusters.clustered_from(conn, since)
            self.replayed_since = since
        else:
            rows = clusters.clustered_after(conn, self.watermark)
        rows = _as_clustered(rows)
        for row, assignment in zip(rows, self._add_all([_doc(r) for r in rows]), strict=True):
            self.story_ids.setdefault(assignment.story, int(cast(int, row.story_id)))
            if row.event_id is not None:
                self.event_ids.setdefault(assignment.event, int(row.event_id))

    def _story_id(self, conn: psycopg.Connection, label: str) -> int:
        story_id = self.story_ids.get(label)
        if story_id is None:
            story_id = self.story_ids[label] = clusters.story_for_label(conn, label)
        return story_id

    def _event_id(self, conn: psycopg.Connection, label: str) -> int:
        event_id = self.event_ids.get(label)
        if event_id is None:
            event_id = self.event_ids[label] = clusters.event_for_label(conn, label)
        return event_id

    def _apply_merges(self, conn: psycopg.Connection, touched: set[int], events: set[int]) -> None:
        """The engine joined two stories (an article bridged them) or two events within one:
        so does the database."""
        merges = self.engine.drain_event_merges()
        _follow(conn, merges, self.event_ids, self._event_id, clusters.merge_event, events)
        merges = self.engine.drain_merges()
        for gone, into in _follow(
            conn, merges, self.story_ids, self._story_id, clusters.merge_story, touched
        ):
            log.info("merged story %d into %d", gone, into)

    def _add_all(self, docs: list[Doc]) -> Iterator[Assignment]:
        # Large batches (a start-up replay, a backfill) prepare articles in two processes:
        # same assignments, about twice the rate; small ones are not worth the start-up.
        workers = PARALLEL_WORKERS if len(docs) >= PARALLEL_FROM else 1
        return self.engine.add_many(docs, workers=workers)

    def _write(self, conn: psycopg.Connection, doc: Doc, assignment: Assignment) -> tuple[int, int]:
        story_id = self._story_id(conn, assignment.story)
        event_id = self._event_id(conn, assignment.event)
        clusters.add_member(
            conn,
            int(doc.id),
            story_id,
            event_id,
            int(assignment.duplicate_of) if assignment.duplicate_of else None,
            assignment.score,
        )
        return story_id, event_id


def _as_clustered(rows: list[clusters.ClusteredRow]) -> list[clusters.ClusteredRow]:
    """Rows in the order they were first clustered, so a replay rebuilds the same stories: batch
    after batch (a batch's memberships share ``added_at``, written in one transaction), each in
    the order ``cluster_pending`` gave it. Replayed by article id instead, the order-dependent
    engine could group the window otherwise than the stored stories, and a later copy would join
    another story than its original (the killed-daemon drill caught it)."""
    ordered: list[clusters.ClusteredRow] = []
    for _, group in itertools.groupby(rows, key=lambda r: r.added_at):
        batch = list(group)
        ordered += [batch[i] for i in replay_order([_doc(r) for r in batch])]
    return ordered


def cluster_pending(conn: psycopg.Connection) -> int:
    """One-shot: rebuild the state from the database, then assign what is pending."""
    return StoryStore().cluster_pending(conn)


def _follow(
    conn: psycopg.Connection,
    merges: list[tuple[str, str]],
    ids: dict[str, int],
    id_for: Callable[[psycopg.Connection, str], int],
    merge: Callable[[psycopg.Connection, int, int], None],
    dirty: set[int],
) -> list[tuple[int, int]]:
    """Apply the engine's merges (absorbed label, surviving label) of stories or of events to
    their rows: ``ids`` (label -> row id) follows them, ``dirty`` holds the rows to refresh.
    Returns the (gone, into) row pairs merged."""
    done = []
    for absorbed, surviving in merges:
        into = id_for(conn, surviving)
        gone = ids.get(absorbed)
        ids[absorbed] = into
        if gone is None or gone == into:
            continue
        merge(conn, gone, into)
        for label, row in ids.items():
            if row == gone:
                ids[label] = into
        dirty.discard(gone)
        dirty.add(into)
        done.append((gone, into))
    return done
