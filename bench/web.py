"""``kliping web`` latency with 100k articles stored: p50/p95 of the pages and the API.

    python bench/web.py                     # 100k articles, 200 requests per kind
    python bench/web.py --articles 20000 --requests 50      # quicker

Set-up (not timed): a throw-away embedded Postgres under /tmp (removed at the end); a migrated
database filled with COPY: N articles of the bundled registry's outlets over the last 90 days,
each with 12 paragraphs drawn from the sample corpus (~3 KB of text, the size of a real article
body, so the search vectors weigh what they will), grouped into stories whose sizes follow a
long tail (about half singletons, a few hundred-article stories), one copy in ten marked as a
syndicated duplicate; crawl runs every 30 minutes per outlet for two weeks, each with four
discovery sources in source_stats; then VACUUM ANALYZE.

Timed: ``python -m kliping web`` in a child process; each kind of request is sent N times in
a row over HTTP from this process (after 5 untimed warm-up requests), with story and article
ids drawn at random (seeded), and the wall time to the last byte of the answer is recorded.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from kliping.config.outlets import load_registry
from kliping.sample_site.corpus import load_records
from kliping.storage import migrate
from kliping.storage.embedded import EmbeddedPostgres

DAYS = 90  # the stored period
PARAGRAPHS = 12  # ~260 characters each in the sample corpus: ~3 KB, a real article body
COPY_SHARE = 0.1  # of the articles in multi-article stories, this share are syndicated copies
GOAL_MS = 100  # issue 20: the story list and a story page answer in < 100 ms


def story_size(rng: random.Random) -> int:
    """A long tail, as news has: most events are covered once, a few by everyone for days."""
    roll = rng.random()
    if roll < 0.5:
        return 1
    if roll < 0.8:
        return rng.randint(2, 4)
    if roll < 0.95:
        return rng.randint(5, 15)
    if roll < 0.999:
        return rng.randint(16, 60)
    return rng.randint(150, 300)


def fill(url: str, n: int, rng: random.Random) -> tuple[int, int]:
    """N articles in stories; returns (stories, articles)."""
    outlets = list(load_registry())
    records = load_records()
    paragraphs = [p for r in records for p in r["paragraphs"]]
    titles = [r["title"] for r in records]
    now = datetime.now(UTC)
    article_id, story_id = 0, 0
    with psycopg.connect(url, autocommit=True) as conn:
        # The search index is built once at the end: maintaining it row by row would make the
        # set-up, not the measurement, take minutes.
        conn.execute("DROP INDEX articles_search")
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY articles (id, url, outlet, title, text, published, language, fetched_at,"
                " updated_at, content_hash) FROM STDIN"
            ) as articles,
        ):
            stories, members = [], []
            while article_id < n:
                story_id += 1
                size = min(story_size(rng), n - article_id)
                start = now - timedelta(days=rng.uniform(0, DAYS))
                title = rng.choice(titles)
                times, seen = [], set()
                first = article_id + 1
                for i in range(size):
                    article_id += 1
                    when = start + timedelta(hours=rng.expovariate(1 / 6) if i else 0)
                    times.append(when)
                    outlet = rng.choice(outlets)
                    seen.add(outlet)
                    # Words of known rarity for the search timings (the corpus's own words are
                    # in most articles): "wilayahN" in ~3% of the articles, "kataN" in ~0.1%.
                    text = "\n".join(rng.choices(paragraphs, k=PARAGRAPHS)) + (
                        f" wilayah{story_id % 30} kata{story_id % 1000}"
                    )
                    articles.write_row((
                        article_id, f"https://{outlet}.example/{article_id}", outlet,
                        f"{title} ({article_id})" if i else title, text, when, "id",
                        when + timedelta(minutes=5), when + timedelta(minutes=5),
                        hashlib.md5(str(article_id).encode()).hexdigest(),
                    ))  # fmt: skip
                    copy_of = first if i and rng.random() < COPY_SHARE else None
                    members.append((article_id, story_id, copy_of))
                stories.append((story_id, f"bench-{story_id}", title, min(times), max(times),
                                size, sorted(seen)))  # fmt: skip
        with conn.cursor() as cur:
            with cur.copy(
                "COPY stories (id, label, title, first_seen, last_seen, article_count, outlets)"
                " FROM STDIN"
            ) as copy:
                for row in stories:
                    copy.write_row(row)
            with cur.copy(
                "COPY story_members (article_id, story_id, duplicate_of) FROM STDIN"
            ) as copy:
                for row in members:
                    copy.write_row(row)
            with cur.copy(
                "COPY crawl_runs (outlet, trigger, started_at, finished_at, status, pages_fetched,"
                " articles_new, failures, failure_reasons) FROM STDIN"
            ) as copy:
                for outlet in outlets:
                    for k in range(14 * 48):
                        began = now - timedelta(minutes=30 * k)
                        failed = rng.random() < 0.05
                        copy.write_row((outlet, "schedule", began, began + timedelta(seconds=40),
                                        "failed" if failed else "ok", 30, 0 if failed else 5,
                                        3 if failed else 0,
                                        '{"timeout": 3}' if failed else "{}"))  # fmt: skip
        # Each run's discovery sources, as a crawl records them (storage/sources.py): a feed,
        # a sitemap and two section pages of 40 entries, 30 accepted, 5 rejected URLs kept;
        # the Outlets page judges drift from them.
        conn.execute(
            "INSERT INTO source_stats (run_id, source, kind, entries, accepted, rejected_sample)"
            " SELECT r.id, 'https://' || r.outlet || '.example/' || k.kind || '/' || k.n,"
            "        k.kind, 40, 30, ARRAY(SELECT 'https://' || r.outlet || '.example/tag/'"
            "        || r.id || '-' || i FROM generate_series(1, 5) AS i)"
            " FROM crawl_runs r CROSS JOIN (VALUES ('feed', 1), ('sitemap', 1), ('section', 1),"
            "                               ('section', 2)) AS k(kind, n)"
        )
        conn.execute("CREATE INDEX articles_search ON articles USING gin (search)")
        for table in ("articles", "stories"):  # ids were given: move the sequences past them
            conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))"
                ).format(sql.Literal(table), sql.Identifier(table))
            )
        # As autovacuum leaves a live database: statistics, and a visibility map that lets
        # counts over an index (articles per day) skip the table.
        conn.execute("VACUUM ANALYZE")
    return story_id, article_id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    return status, (time.perf_counter() - started) * 1000


def measure(base: str, name: str, paths: Callable[[], str], count: int) -> list[str]:
    for _ in range(5):
        get(base + paths())
    times = []
    for _ in range(count):
        path = paths()
        status, ms = get(base + path)
        if status != 200:
            raise SystemExit(f"{name}: {path} answered {status}")
        times.append(ms)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return [name, f"{p50:.1f}", f"{p95:.1f}", f"{times[-1]:.1f}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per kind")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database (prints where)")
    parser.add_argument("--database", help="measure this filled database (of --keep) instead")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="kliping-bench-web-"))
    scratch.chmod(0o755)
    (scratch / "pg").mkdir(mode=0o755)
    server = EmbeddedPostgres(scratch / "pg")
    web = None
    try:
        if args.database:
            url = args.database
            with psycopg.connect(url) as conn:
                (stories,), (articles,) = conn.execute(
                    "SELECT max(id) FROM stories UNION ALL SELECT max(id) FROM articles"
                ).fetchall()  # fmt: skip
        else:
            conninfo = server.ensure_running()
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute("CREATE DATABASE bench_web")
            url = make_conninfo(conninfo, dbname="bench_web")
            with psycopg.connect(url, autocommit=True) as conn:
                migrate.upgrade(conn)
            started = time.perf_counter()
            stories, articles = fill(url, args.articles, rng)
            print(f"filled {articles} articles in {stories} stories in "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
        if args.keep:
            print(f"kept: --database '{url}' (KLIPING_HOME={scratch / 'pg'})", file=sys.stderr)
        with psycopg.connect(url) as conn:
            big = [r[0] for r in conn.execute(
                "SELECT story_id FROM story_overview ORDER BY article_count DESC LIMIT 20"
            )]  # fmt: skip
            (largest,) = conn.execute("SELECT max(article_count) FROM stories").fetchone() or (0,)
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, KLIPING_HOME=str(scratch / "home"))
        web = subprocess.Popen(
            [sys.executable, "-m", "kliping", "web", "--port", str(port)], env=env,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/api/outlets")
                break
            except OSError:
                if time.monotonic() > deadline or web.poll() is not None:
                    raise SystemExit("kliping web did not start") from None
                time.sleep(0.2)

        def story() -> str:
            return f"/stories/{rng.randint(1, stories)}"

        today = datetime.now(UTC).date()
        week = (today - timedelta(days=17), today - timedelta(days=10))
        common = ["gempa", "presiden", "banjir", '"suku bunga"', "jakarta -banjir"]
        kinds: list[tuple[str, Callable[[], str]]] = [
            ("story list, page 1 (HTML)", lambda: "/"),
            ("story list, page 1 (API)", lambda: "/api/stories"),
            ("story list, page 2-20", lambda: f"/?page={rng.randint(2, 20)}"),
            ("story list, min 3 outlets", lambda: "/?min_outlets=3"),
            ("story list, one outlet", lambda: f"/?outlet={rng.choice(['detik', 'kompas'])}"),
            ("story list, since/until a week", lambda: f"/?since={week[0]}&until={week[1]}"),
            ("search: words in most articles", lambda: f"/?q={quote(rng.choice(common))}"),
            ("search: a word in ~3%", lambda: f"/?q=wilayah{rng.randrange(30)}"),
            ("search: a word in ~0.1%", lambda: f"/?q=kata{rng.randrange(1000)}"),
            ("search: no match", lambda: "/?q=zzzxqj"),
            ("story page, random", story),
            (f"story page, 20 largest ({largest} articles max)",
             lambda: f"/stories/{rng.choice(big)}"),
            ("story API, random", lambda: "/api" + story()),
            ("article page, random", lambda: f"/articles/{rng.randint(1, articles)}"),
            ("outlets page", lambda: "/outlets"),
        ]  # fmt: skip
        rows = [measure(base, name, path, args.requests) for name, path in kinds]
        print(f"\n{articles} articles, {stories} stories; {args.requests} requests per kind, "
              f"one at a time; load average {os.getloadavg()[0]:.1f}\n")  # fmt: skip
        print("| request | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return 0
    finally:
        if web is not None:
            web.terminate()
            web.wait(30)
        if not args.keep:
            server.stop()  # not started with --database: nothing to stop
            with contextlib.suppress(OSError, KeyError, ValueError):  # never started
                shutil.rmtree(server._state()["data_dir"], ignore_errors=True)
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
