"""The crawl queue on procrastinate (scheduler/queue.py) against a real Postgres, without
workers: one waiting job per outlet (and per backfill day), the jobs of a worker whose heartbeat
stopped go back to the queue, and what `kliping status` reads of it."""

from __future__ import annotations

import asyncio

import psycopg

from kliping.scheduler import queue
from kliping.storage import queue_state


def test_one_waiting_job_per_outlet_and_per_backfill_day(db_url: str) -> None:
    queue.ensure_schema(db_url)
    queue.ensure_schema(db_url)  # a second machine starting: nothing to do
    app = queue.app(db_url, sync=True)
    with app.open():
        first = queue.defer(app, "detik", "schedule", [1, 2])
        assert first is not None
        assert queue.defer(app, "detik", "manual", [3]) is None  # one waits already
        assert queue.defer(app, "tempo", "schedule", []) is not None
        days = [queue.defer(app, "detik", "backfill", [], day=d) for d in ("2026-01-01",
                "2026-01-02", "2026-01-01")]  # fmt: skip
    assert days[0] and days[1] and days[2] is None
    with psycopg.connect(db_url) as conn:
        waiting = queue_state.waiting(conn)
        assert [o for o, _ in waiting] == ["detik", "tempo", "detik", "detik"]
        assert queue_state.workers(conn) == []
        args = conn.execute("SELECT args FROM procrastinate_jobs WHERE id = %s", (first,))
        assert args.fetchone()[0]["request_ids"] == [1, 2]  # type: ignore[index]


def test_the_jobs_of_a_silent_worker_go_back_to_the_queue(db_url: str) -> None:
    queue.ensure_schema(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        dead, alive = (
            conn.execute(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES"
                " (now() - make_interval(secs => %s)) RETURNING id",
                (age,),
            ).fetchone()[0]  # type: ignore[index]
            for age in (queue.STALLED_SECONDS * 3, 0)
        )
        for worker, outlet in ((dead, "detik"), (alive, "tempo")):
            conn.execute(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, worker_id,"
                " lock) VALUES (%s, %s, %s, 'doing', %s, %s)",
                (queue.QUEUE, queue.TASK, psycopg.types.json.Jsonb({"outlet": outlet}), worker,
                 f"outlet:{outlet}"),
            )  # fmt: skip
        seen = {w.id: w for w in queue_state.workers(conn)}
        assert seen[dead].job == "detik" and seen[alive].job == "tempo"
        assert seen[dead].heartbeat_age > queue.STALLED_SECONDS > seen[alive].heartbeat_age

    async def recover() -> list[int]:
        app = queue.app(db_url)
        async with app.open_async():
            return await queue.recover(app)

    assert len(asyncio.run(recover())) == 1
    with psycopg.connect(db_url) as conn:
        states = dict(conn.execute("SELECT args->>'outlet', status FROM procrastinate_jobs"))
    assert states == {"detik": "todo", "tempo": "doing"}  # the live worker keeps its job
