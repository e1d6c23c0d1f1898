"""The daemon end to end: it crawls the sample site, its clustering passes fire watchlists, its
delivery thread sends; killed (-9, with its crawl children) in the middle of a delivery and
restarted, it delivers every alert, and a receiver honouring the key acts on each once."""

from __future__ import annotations

import os
import re
import signal

import pytest

from kliping.sample_site.render import gold
from kliping.sample_site.server import SampleSite
from tests.alerts_parts import receiver
from tests.fix_db import rows
from tests.fix_site import Kliping, wait_for

pytestmark = pytest.mark.slow  # starts daemons and crawls

OUTLETS = ["detik", "kompas", "tribunnews", "antaranews", "cnnindonesia"]
TOPICS = {"gempa": "gempa", "gunung": "Lewotobi", "menlu": "Menlu", "banjir": "banjir"}


def _stories_with(site: SampleSite, db_url: str, word: str) -> set[int]:
    """Stories holding a crawled sample article with ``word`` (found in Python)."""
    urls = [site.url(a) for a in site.corpus if a.record["outlet"] in OUTLETS
            and word.lower() in {w.lower() for w in re.findall(
                r"\w+", a.record["title"] + " " + gold(a.record)["text"])}]  # fmt: skip
    found = rows(db_url, "SELECT DISTINCT story_id FROM story_articles WHERE url = ANY(%s)", urls)
    return {r[0] for r in found}


def test_daemon_killed_mid_delivery_delivers_every_alert_once(
    kliping: Kliping, site: SampleSite, db_url: str, daemons: list
) -> None:
    env = {"KLIPING_WEBHOOK_SECRET": "k", "KLIPING_ALERT_RETRY_BACKOFF": "0.2"}
    with receiver(secret="k", hang=0.05, hold_at=3) as hook:
        for name, query in TOPICS.items():
            done = kliping.run("watch", "add", name, query, "--notify", f"webhook:{hook.url}")
            assert done.returncode == 0, done.stderr
        daemon = kliping.daemon(*OUTLETS, "--every", "3600", **env)
        daemons.append(daemon)
        assert hook.held.wait(180), "no third alert reached the receiver"
        os.killpg(daemon.pid, signal.SIGKILL)  # the daemon and its crawl children
        daemon.wait()
        hook.release.set()  # the receiver acts on the held alert; nobody hears the answer
        restarted = rows(db_url, "SELECT now()")[0][0]
        daemons.append(kliping.daemon(*OUTLETS, "--every", "3600", **env))

        def settled() -> bool:
            ran = rows(db_url, "SELECT count(DISTINCT outlet) FROM crawl_runs WHERE started_at"
                       " > %s AND status <> 'running'", restarted)[0][0]  # fmt: skip
            # The daemon clusters after a crawl's run is closed: wait for that pass too.
            pending = rows(db_url, "SELECT count(*) FROM articles a LEFT JOIN story_members m"
                           " ON m.article_id = a.id WHERE m.article_id IS NULL")  # fmt: skip
            return ran == len(OUTLETS) and pending[0][0] == 0

        wait_for(settled, 240, "the restarted daemon's crawls and clustering")
        wait_for(lambda: rows(db_url, "SELECT count(*) FROM alert_outbox WHERE status <>"
                              " 'delivered'")[0][0] == 0, 60, "every alert delivered")  # fmt: skip
    # Each alert's event as it stands now (the story of its first article): a story that fired
    # may since have been merged into another by a bridging article.
    fired = rows(db_url, "SELECT w.name, m.story_id, o.idempotency_key::text FROM alert_outbox o"
                 " JOIN watchlists w ON w.id = o.watchlist_id"
                 " JOIN story_members m ON m.article_id = o.event_key")  # fmt: skip
    for name, query in TOPICS.items():
        expected = _stories_with(site, db_url, query)
        assert expected and {e for n, e, _ in fired if n == name} == expected, name
    keys = {k for _, _, k in fired}
    doubled = sum(n - 1 for n in hook.processed.values())
    print(f"\ndaemon: alerts {len(keys)}, attempted {len(hook.requests)}, delivered"
          f" {len(hook.processed)}, retried {len(hook.requests) - len(hook.processed)},"
          f" doubled {doubled}")  # fmt: skip
    assert set(hook.processed) == keys and doubled == 0 and hook.bad_signatures == 0
    assert {k: n for k, n in hook.keys.items() if n > 1} == {hook.requests[2]["key"]: 2}
