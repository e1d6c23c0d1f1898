"""Ingest throughput: a full `kliping crawl` into PostgreSQL against bare trafilatura.

    python bench/ingest.py                  # 2000 articles
    python bench/ingest.py --quick          # 300 articles
    python bench/ingest.py --repeat 3       # three rounds of baseline + crawl (median shown)
    python bench/ingest.py --articles 5000 --workers 4
    python bench/ingest.py --quick --profile crawl.raw   # py-spy, raw (collapsed) stacks

Set-up (not timed): a throw-away embedded Postgres; the sample site with N articles (its
hand-written corpus plus synthetic ones) served by a separate process, so the site does not take
the crawler's CPU or GIL; every page the crawl will ask for is fetched once, which renders it
into the site's cache (SampleSite.prerender() would render every page of every article, three
times what is crawled) and gives the baseline its input. The bench registry is the sample one
without its broken-pages outlet and with a news sitemap for every outlet: the sample feeds list
only the hand-written corpus, the sitemaps every article.

Each round: (a) baseline: `trafilatura.extract(html)` with its defaults, one process, over
those pages; then (b) kliping: `python -m kliping crawl` of the sample outlets into a fresh
database, timed from process start to exit (discovery, fetch, extraction pool, storage, and the
story clustering `crawl` ends with). On a shared machine the load moves, so each crawl is
compared with the baseline measured just before it. Two reference rows show where a difference
comes from: trafilatura with `fast=True`, and kliping's own extractor, each in one process.

Page sizes: the real outlets' article pages weigh 50-200 KiB (mostly scripts, menus and link
lists around a 3-8 KB body); each article's pages are padded to a size drawn from that range.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg

from kliping.config.outlets import Outlet, parse_registry
from kliping.crawler.extract import ExtractionError, ExtractRules, extract, page_links
from kliping.crawler.extract import single_page_url as one_page_view
from kliping.sample_site.server import SampleSite, serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared lab/ toolkit
from lab.pg import fresh_database, start_postgres
from lab.procs import KIB, SAMPLE_EVERY, TreeWatch

# Article pages of detik, Kompas, Tribun, CNN Indonesia weigh 50-200 KiB of HTML, most near
# 100 KiB: a triangular draw over that range (mean ~117 KiB).
PAD_LOW, PAD_MODE, PAD_HIGH = 50 * KIB, 100 * KIB, 200 * KIB
GOAL = 1.2  # kliping must ingest at least 1.2x the pages/s of bare one-process trafilatura


def pad_for(path: str) -> int:
    """The padded size of one article's pages: fixed per article, so runs are comparable."""
    return int(random.Random(zlib.crc32(path.encode())).triangular(PAD_LOW, PAD_HIGH, PAD_MODE))


class VariedSite(SampleSite):
    """The sample site with a page size drawn per article (SampleSite pads all to one size).

    SampleSite reads ``pad_to`` when it renders a page, so it is set under a lock just before.
    """

    def __init__(self, scale: int) -> None:
        super().__init__(scale, pad_to=PAD_MODE)
        self._render = threading.Lock()

    def article_page(self, article, page):  # type: ignore[no-untyped-def]
        with self._render:
            self.pad_to = pad_for(article.path)
            return super().article_page(article, page)


def serve_site(articles: int, conn: Connection) -> None:
    """Runs in its own process: serve the site, send its address, serve until told to stop."""
    scale = max(0, articles - len(SampleSite().corpus))
    site = VariedSite(scale)
    while len(site.by_path) < articles:  # synthetic URLs can collide: those serve one article
        scale += articles - len(site.by_path)
        site = VariedSite(scale)
    with serve(site) as running:
        paths = [(path, a.outlet) for path, a in running.by_path.items()]
        conn.send((running.base, running.registry_text(), paths))
        conn.recv()


def bench_registry(text: str, base: str) -> str:
    """The sample registry without its broken-pages outlet, every outlet with a news sitemap."""
    text = re.sub(r"(?ms)^\[rusak(\.[a-z]+)?\]\n.*?(?=^\[(?!rusak[.\]])|\Z)", "", text)
    for key, table in tomllib.loads(text).items():
        if not table.get("sitemaps"):
            header = f"\n[{key}]\n"
            text = text.replace(
                header, f'{header}sitemaps = ["{base}/{key}/sitemap-news.xml"]\n', 1
            )
    return text


# -- set-up ----------------------------------------------------------------------------------


@dataclass
class Page:
    url: str
    html: bytes
    outlet: Outlet
    rules: ExtractRules


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def article_pages(url: str, outlet: Outlet) -> list[Page]:
    """The pages the crawler fetches for one article: its one-page view, else every page."""
    rules = outlet.extract
    first = one_page_view(url, rules) or url
    html = fetch(first)
    pages = [Page(first, html, outlet, rules)]
    for other in page_links(html, first, rules):
        if other != first:
            pages.append(Page(other, fetch(other), outlet, rules))
    return pages


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Rate:
    pages_per_s: float
    cpu_per_page: float  # CPU seconds: steadier than wall time on a shared machine


def timed(label: str, pages: list[Page], work: Callable[[Page], object]) -> Rate:
    """Pages per second of ``work`` over ``pages`` in this process."""
    work(pages[0])  # imports and caches: not part of the steady state
    started, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        work(page)
    cpu = (time.process_time() - cpu) / len(pages)
    rate = Rate(len(pages) / (time.perf_counter() - started), cpu)
    say(f"  {label:<38} {rate.pages_per_s:7.1f} pages/s, {cpu * 1000:5.1f} ms CPU a page")
    return rate


def kliping_extract(page: Page) -> object:
    try:
        return extract(page.html, page.url, page.rules)
    except ExtractionError:
        return None


@dataclass
class Crawl:
    seconds: float
    startup: float  # process start -> first run row
    crawling: float  # first run row -> last article stored
    returncode: int
    peak_rss: int
    peak_pss: int
    processes: int
    # getrusage(RUSAGE_CHILDREN) would not do: Linux keeps the forking parent's peak RSS
    # (this script holds every page in memory) as the child's ru_maxrss across exec.
    largest: int  # the largest single process seen in /proc
    cpu_crawler: float  # CPU seconds of the Scrapy process itself
    cpu_others: float  # of its descendants: forkserver and extraction workers
    cpu_postgres: float  # of the Postgres server's processes during the crawl
    cpu_site: float  # of the sample site's process during the crawl


def crawl(
    env: dict[str, str], conninfo: str, log: Path, profile: Path | None, neighbours: dict[str, int]
) -> Crawl:
    command = [sys.executable, "-m", "kliping", "crawl"]
    if profile is not None:  # py-spy's own process joins the tree: memory reads a little high
        spy = ["py-spy", "record", "--subprocesses", "--rate", "50", "--format", "raw"]
        command = [*spy, "--output", str(profile), "--", *command]
    with log.open("w") as out:
        wall0 = time.time()
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        watch = TreeWatch(child.pid, neighbours)
        watch.start()
        returncode = child.wait()
        seconds = time.perf_counter() - started
        watch.done.set()
        watch.join()
    with psycopg.connect(conninfo) as conn:
        first_run, last_stored = conn.execute(
            "SELECT (SELECT min(started_at) FROM crawl_runs),"
            " (SELECT max(updated_at) FROM articles)"
        ).fetchone()  # type: ignore[misc]
    startup = first_run.timestamp() - wall0 if first_run else float("nan")
    crawling = (last_stored - first_run).total_seconds() if last_stored else float("nan")
    return Crawl(
        seconds, startup, crawling, returncode, watch.peak_rss, watch.peak_pss,
        watch.peak_processes, watch.largest, watch.cpu_of("crawler"),
        watch.cpu_of("worker"), watch.cpu_of("postgres"), watch.cpu_of("site"),
    )  # fmt: skip


def sizes_line(pages: list[Page]) -> str:
    sizes = sorted(len(p.html) for p in pages)
    deciles = statistics.quantiles(sizes, n=10)
    return (
        f"HTML per page: min {sizes[0] / KIB:.0f} KiB, p10 {deciles[0] / KIB:.0f}, "
        f"median {statistics.median(sizes) / KIB:.0f}, p90 {deciles[-1] / KIB:.0f}, "
        f"max {sizes[-1] / KIB:.0f}; mean {statistics.fmean(sizes) / KIB:.0f} KiB, "
        f"total {sum(sizes) / KIB / KIB:.0f} MiB"
    )


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Round:
    """One baseline pass and the crawl right after it: a shared machine's load moves between
    rounds, so each crawl is compared with the baseline measured just before it."""

    baseline: Rate
    crawl: Crawl
    load: float  # 1-minute load average when the crawl started
    pages: int

    @property
    def ratio(self) -> float:
        return self.pages / self.crawl.seconds / self.baseline.pages_per_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles on the site")
    parser.add_argument("--quick", action="store_true", help="300 articles")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of baseline + crawl")
    parser.add_argument("--workers", type=int, default=0, help="KLIPING_EXTRACT_WORKERS (0: cores)")
    parser.add_argument("--concurrency", type=int, default=8, help="KLIPING_CONCURRENCY_PER_DOMAIN")
    parser.add_argument("--profile", type=Path, help="py-spy the crawl into this file (raw)")
    parser.add_argument("--keep", action="store_true", help="keep the crawl logs and databases")
    args = parser.parse_args()
    n = 300 if args.quick else args.articles

    scratch = Path(tempfile.mkdtemp(prefix="kliping-bench-"))
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    site = context.Process(target=serve_site, args=(n, theirs), name="sample-site", daemon=True)
    site.start()
    server = None
    try:
        say(f"set-up: sample site with {n} articles in pid {site.pid}, Postgres")
        server, conninfo = start_postgres(scratch / "pg")
        base, registry_text, paths = ours.recv()
        n = len(paths)
        text = bench_registry(registry_text, base)
        registry = parse_registry(text, "bench registry")
        (scratch / "outlets.toml").write_text(text)
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as fetchers:
            fetched = fetchers.map(lambda po: article_pages(base + po[0], registry[po[1]]), paths)
            pages = [page for group in fetched for page in group]
        say(f"  fetched (and rendered) {len(pages)} pages in {time.perf_counter() - started:.0f} s")
        sizes = sizes_line(pages)
        say(f"  {sizes}")

        import trafilatura

        def baseline() -> Rate:
            return timed("trafilatura.extract(html)", pages, lambda p: trafilatura.extract(p.html))

        say(f"references, one process (load average {os.getloadavg()[0]:.1f}):")
        references = {
            "trafilatura fast=True": timed(
                "trafilatura.extract(html, fast=True)",
                pages,
                lambda p: trafilatura.extract(p.html, fast=True),
            ),
            "kliping extract()": timed("kliping extract()", pages, kliping_extract),
        }
        env = dict(os.environ)
        env.update(
            KLIPING_OUTLETS=str(scratch / "outlets.toml"),
            KLIPING_HOME=str(scratch / "home"),
            KLIPING_DOWNLOAD_DELAY="0",
            KLIPING_CONCURRENCY_PER_DOMAIN=str(args.concurrency),
            KLIPING_EXTRACT_WORKERS=str(args.workers),
            KLIPING_LOG_LEVEL="WARNING",
        )
        pid_file = Path(server._state()["data_dir"]) / "postmaster.pid"
        neighbours = {"postgres": int(pid_file.read_text().split()[0]), "site": site.pid}
        rounds: list[Round] = []
        ok = True
        for number in range(1, args.repeat + 1):
            say(f"round {number} (load average {os.getloadavg()[0]:.1f}):")
            rate = baseline()
            url = fresh_database(conninfo, f"bench_{number}")
            env["DATABASE_URL"] = url
            load = os.getloadavg()[0]
            log = scratch / f"crawl-{number}.log"
            result = crawl(env, url, log, args.profile, neighbours)
            rounds.append(Round(rate, result, load, len(pages)))
            good = check(url, n, result, log)
            ok = ok and good
        workers = args.workers or os.cpu_count() or 1
        median = sorted(rounds, key=lambda r: r.ratio)[(len(rounds) - 1) // 2]
        print()
        for key, value in report(n, sizes, median, references, workers):
            print(f"{key:<44} {value}")
        if len(rounds) > 1:
            each = ", ".join(f"{r.ratio:.2f}x (load {r.load:.1f})" for r in rounds)
            print(f"{'every round (the median one above)':<44} {each}")
        print(f"{'DB check':<44} {n} articles in each crawl's database: {'ok' if ok else 'NO'}")
        return 0 if ok else 1
    finally:
        ours.send("stop")
        site.join(10)
        if server is not None:
            data_dir = Path(server._state()["data_dir"])
            server.stop()
            if not args.keep:
                shutil.rmtree(data_dir, ignore_errors=True)
        if args.keep:
            say(f"kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def check(url: str, n: int, result: Crawl, log: Path) -> bool:
    """Every article stored once, nothing failed; says so on stderr."""
    with psycopg.connect(url) as conn:
        stored, short = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE length(text) < 300) FROM articles"
        ).fetchone()  # type: ignore[misc]
        failures, fetched = conn.execute(
            "SELECT sum(failures), sum(pages_fetched) FROM crawl_runs"
        ).fetchone()  # type: ignore[misc]
    good = result.returncode == 0 and stored == n and not failures
    say(
        f"  crawl {result.seconds:.1f} s: {stored} articles stored ({short} under 300 chars), "
        f"{failures} failures, {fetched} HTTP pages: {'ok' if good else 'MISMATCH'}"
    )
    if result.returncode != 0:
        say(log.read_text()[-3000:])
    return good


def report(
    n: int, sizes: str, run: Round, references: dict[str, Rate], workers: int
) -> list[tuple[str, str]]:
    mib, cores = KIB * KIB, os.cpu_count() or 1
    base, result, n_pages = run.baseline, run.crawl, run.pages
    # Multi-page articles without a one-page view are several pages: pages on both sides.
    per_s = n_pages / result.seconds
    cpu = result.cpu_crawler + result.cpu_others
    rest = result.seconds - result.startup - result.crawling
    rows = [
        ("articles / HTML pages", f"{n} / {n_pages}"),
        ("page sizes", sizes),
        (
            "baseline: trafilatura.extract, 1 process",
            f"{base.pages_per_s:.1f} pages/s ({base.cpu_per_page * 1000:.0f} ms CPU a page)",
        ),
        (
            "kliping crawl, end to end",
            f"{per_s:.1f} pages/s ({n / result.seconds:.1f} articles/s; CPU a page "
            f"{cpu / n_pages * 1000:.0f} ms, "
            f"{(cpu + result.cpu_postgres) / n_pages * 1000:.0f} ms with Postgres)",
        ),
        ("ratio kliping / baseline", f"{run.ratio:.2f}x (goal >= {GOAL}x)"),
        (
            "crawl wall time",
            f"{result.seconds:.1f} s = start-up {result.startup:.1f} s + crawl "
            f"{result.crawling:.1f} s + clustering and exit {rest:.1f} s",
        ),
        (
            "crawl CPU time",
            f"crawler process {result.cpu_crawler:.1f} s, forkserver and {workers} extraction "
            f"workers {result.cpu_others:.1f} s; meanwhile Postgres {result.cpu_postgres:.1f} s, "
            f"the sample site {result.cpu_site:.1f} s (of {result.seconds * cores:.0f} core-s; "
            f"{cores} cores, load average {run.load:.1f} at the start)",
        ),
        (
            "peak memory of the crawl's process tree",
            f"RSS {result.peak_rss / mib:.0f} MiB, PSS {result.peak_pss / mib:.0f} MiB summed "
            f"over {result.processes} processes (/proc smaps_rollup every {SAMPLE_EVERY} s; "
            f"psutil is not installed); largest single process {result.largest / mib:.0f} MiB",
        ),
    ]
    for name, rate in references.items():
        rows.append((f"reference: {name}, 1 process", f"{rate.pages_per_s:.1f} pages/s"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
