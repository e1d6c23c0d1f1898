"""``kliping demo``: its data keeps one identity whatever port the sample site got, stays out
of DATABASE_URL's database unless asked, and ``--remove`` takes it all away (and only it)."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from kliping.storage.articles import ArticleRecord, upsert_article
from kliping.storage.demo import DEMO_BASE, DEMO_PORT
from tests.fix_db import rows
from tests.fix_site import Kliping, kliping_env, wait_for


@pytest.fixture
def port_taken() -> Iterator[None]:
    """Something else listens on the demo's port (as a second demo, or any program)."""
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        holder.bind(("127.0.0.1", DEMO_PORT))
        holder.listen(1)
    except OSError:
        pass  # already taken by another process: as good
    try:
        yield
    finally:
        holder.close()


def _demo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = Kliping(env).run("demo", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _real_article(db_url: str) -> int:
    text = "Harga cabai rawit di Pasar Induk naik dua kali lipat menjelang Lebaran. " * 8
    record = ArticleRecord(
        url="https://www.tempo.co/read/1/harga-cabai-naik", outlet="tempo",
        title="Harga cabai naik", text=text, published=datetime(2025, 7, 15, 3, tzinfo=UTC),
        authors=(), language="id", pages=1,
    )  # fmt: skip
    with psycopg.connect(db_url, autocommit=True) as conn:
        return upsert_article(conn, record)[0]


@pytest.mark.slow
def test_demo_twice_with_the_port_taken_stores_nothing_again_and_removes_cleanly(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env = kliping_env(db_url, tmp_path / "none.toml", tmp_path / "home")
    env.pop("KLIPING_OUTLETS")
    mine = _real_article(db_url)
    _demo(env, "--into-database-url")
    first = rows(db_url, "SELECT url FROM articles WHERE id <> %s ORDER BY url", mine)
    assert len(first) >= 60 and all(u.startswith(DEMO_BASE + "/") for (u,) in first)
    request.getfixturevalue("port_taken")
    second = _demo(env, "--into-database-url")
    assert f"port {DEMO_PORT} is busy" in second.stderr
    assert rows(db_url, "SELECT url FROM articles WHERE id <> %s ORDER BY url", mine) == first
    assert rows(db_url, "SELECT sum(articles_new) FROM crawl_runs WHERE id >"
                " (SELECT max(id) - 12 FROM crawl_runs)") == [(0,)]  # fmt: skip
    check = Kliping(env).run("db", "check")
    assert check.returncode == 0, check.stdout
    listed = Kliping(env).run("stories", "--min-size", "2")
    assert listed.returncode == 0 and "Mamuju" in listed.stdout  # the demo's quake story
    removed = Kliping(env).run("demo", "--remove", "--into-database-url")
    assert removed.returncode == 0 and f"{len(first)} articles" in removed.stdout
    assert rows(db_url, "SELECT id FROM articles") == [(mine,)]
    assert rows(db_url, "SELECT count(*) FROM crawl_runs") == [(0,)]
    # The user's own article keeps a story of its own, and the database is sound.
    assert rows(db_url, "SELECT count(*) FROM story_members WHERE article_id = %s", mine) == [(1,)]
    assert Kliping(env).run("db", "check").returncode == 0


@pytest.mark.slow
def test_demo_leaves_the_database_url_database_alone(db_url: str, tmp_path: Path) -> None:
    env = kliping_env(db_url, tmp_path / "none.toml", tmp_path / "home")
    env.pop("KLIPING_OUTLETS")
    embedded = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    try:
        done = _demo(env)
        assert "DATABASE_URL is set: the demo uses the embedded database" in done.stderr
        assert "env -u DATABASE_URL kliping" in done.stdout
        assert rows(db_url, "SELECT count(*) FROM articles") == [(0,)]
        assert rows(db_url, "SELECT count(*) FROM crawl_runs") == [(0,)]
        listed = Kliping(embedded).run("stories", "--json")
        assert listed.returncode == 0 and len(listed.stdout.splitlines()) >= 10
    finally:
        Kliping(embedded).run("db", "stop")


@pytest.mark.slow
def test_demo_daemon_crawls_on_schedule_and_on_trigger_then_removes(
    db_url: str, tmp_path: Path
) -> None:
    import signal

    env = kliping_env(db_url, tmp_path / "none.toml", tmp_path / "home")
    env.pop("KLIPING_OUTLETS")
    daemon = subprocess.Popen(
        Kliping(env).command("demo", "--daemon", "--every", "3600", "--into-database-url"),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: rows(db_url, "SELECT 1 FROM crawl_runs WHERE status = 'ok'"),
                 180, "a scheduled demo crawl")  # fmt: skip
        registry = tmp_path / "home" / "demo-outlets.toml"
        watcher = Kliping(dict(env, KLIPING_OUTLETS=str(registry)))
        asked = watcher.run("trigger", "tempo")
        assert asked.returncode == 0, asked.stderr
        wait_for(lambda: rows(db_url, "SELECT 1 FROM crawl_requests WHERE status = 'done'"),
                 240, "the triggered crawl")  # fmt: skip
        status = watcher.run("status")
        assert status.returncode == 0 and "daemon: alive" in status.stdout
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(60) == 0
    finally:
        if daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
    assert {r[0] for r in rows(db_url, "SELECT DISTINCT trigger FROM crawl_runs")} == {"demo"}
    assert rows(db_url, "SELECT count(*) FROM articles")[0][0] > 0
    assert Kliping(env).run("demo", "--remove", "--into-database-url").returncode == 0
    assert rows(db_url, "SELECT count(*) FROM articles") == [(0,)]
    assert rows(db_url, "SELECT count(*) FROM crawl_runs") == [(0,)]


@pytest.mark.slow
def test_sample_site_serve_prints_the_registry_to_use(db_url: str, tmp_path: Path) -> None:
    import signal
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = kliping_env(db_url, tmp_path / "none.toml", tmp_path / "home")
    server = subprocess.Popen(
        Kliping(env).command("sample-site", "serve", "--port", str(port)),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(6)]
        exported = next(line for line in lines if "export KLIPING_OUTLETS=" in line)
        registry = Path(exported.split("KLIPING_OUTLETS=")[1].split()[0])
        assert f"http://127.0.0.1:{port}/tempo/rss.xml" in registry.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/tempo/rss.xml") as answer:
            assert b"<rss" in answer.read()
        crawl = Kliping(dict(env, KLIPING_OUTLETS=str(registry))).run("crawl", "tempo")
        assert crawl.returncode == 0, crawl.stderr[-2000:]
        assert rows(db_url, "SELECT count(*) FROM articles")[0][0] > 0
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
