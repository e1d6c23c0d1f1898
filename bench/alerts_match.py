"""What watchlists add to a clustering pass: the time of ``alerts.match.firings`` (the query that
finds which events fire which watchlists) for 0, 10, 100 and 1000 watchlists, beside the time
of the clustering pass itself, over the 286 real Indonesian articles of
shared/data/id_events_dev.jsonl in a throw-away embedded Postgres.

    python bench/alerts_match.py          # about a minute on 2 cores

Every event is treated as touched by the pass (the worst case: a pass that clustered the whole
set). Watchlist queries are single frequent title words, one in ten an ``A OR B`` pair.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from kliping.alerts import match, watchlists
from kliping.dedup.store import StoryStore
from kliping.storage import db
from kliping.storage.articles import ArticleRecord, upsert_article
from kliping.storage.embedded import EmbeddedPostgres

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "id_events_dev.jsonl"
SIZES = (0, 10, 100, 1000)
REPEAT = 5  # the median of five runs of the query


def main() -> None:
    records = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    words = Counter(w.lower() for r in records for w in re.findall(r"\w{5,}", r["title"]))
    common = [w for w, _ in words.most_common(max(SIZES))]
    home = Path(tempfile.mkdtemp(prefix="kliping-bench-"))
    home.chmod(0o755)
    server = EmbeddedPostgres(home)
    try:
        with db.connect(server.ensure_running()) as conn:
            for r in records:
                upsert_article(conn, ArticleRecord(
                    url=r["url"], outlet=r["outlet"], title=r["title"], text=r["text"],
                    published=datetime.fromisoformat(r["published"]), authors=(),
                    language="id", pages=1))  # fmt: skip
            started = time.perf_counter()
            StoryStore().cluster_pending(conn)
            pass_ms = (time.perf_counter() - started) * 1000
            stories = conn.execute("SELECT count(*) FROM stories").fetchone()[0]  # type: ignore[index]
            print(f"{len(records)} articles, {stories} stories; clustering pass {pass_ms:.0f} ms")
            print(f"{'watchlists':>10} {'firings ms':>11} {'alerts':>7}")
            made = 0
            for size in SIZES:
                for i in range(made, size):
                    query = common[i] if i % 10 else f"{common[i]} OR {common[-1 - i]}"
                    watchlists.add(conn, f"w{i}", query)
                made = size
                times, found = [], []
                for _ in range(REPEAT):
                    started = time.perf_counter()
                    found = match.firings(conn, since=datetime(2000, 1, 1).astimezone())
                    times.append((time.perf_counter() - started) * 1000)
                print(f"{size:>10} {sorted(times)[REPEAT // 2]:>11.1f} {len(found):>7}")
    finally:
        server.stop()
        data_dir = Path(server._state()["data_dir"])
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
