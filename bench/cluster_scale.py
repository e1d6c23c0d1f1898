"""Throughput of the engine as it fills: articles/s with 10k and with 100k articles held.

    python bench/cluster_scale.py            # 10k vs 100k (3-5 minutes on 2 cores)
    python bench/cluster_scale.py --quick    # 2k vs 20k

At each size two batches are measured: plain ``Clusterer.add`` in this process (one core), then
``add_many(workers=2)`` (the per-article stage in two worker processes, the engine here: the
2-core path a backlog takes). Reported: articles/s, wall and CPU ms an article (this process and
the workers), the 100k/10k ratios from the same run, time in garbage collection, peak RSS and the
load average (the machine may be shared: wall times then suffer first, CPU times less). The
articles are generated while they are added (the fill is not timed), so the peak RSS is the
engine's and the interpreter's, not a list of 104k generated articles'.

Articles are synthetic but shaped like the real ones: ~300-word bodies and headlines drawn from
the word frequencies of shared/data/id_events_dev.jsonl (a small built-in vocabulary if that is
missing), a dateline, stories of 1-12 articles each with its own names and topic words, about one
article in twenty a syndicated copy with another dateline, times rising over ~20 days. Nothing is
forgotten (``forget_before`` is never called), so the engine holds every article.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from kliping.dedup import Clusterer, Doc

ID_EVENTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "id_events_dev.jsonl"
_FALLBACK = re.findall(
    r"\S+",
    "yang dan di itu dengan untuk dari pada ini dalam akan tidak juga ke oleh bahwa kata telah "
    "Presiden Jakarta polisi pemerintah warga rumah sakit korban banjir gempa menteri rapat DPR "
    "KPK hakim sidang vonis suap jalan tol kecelakaan bus sekolah harga beras pasar listrik",
)
DATELINES = [
    "JAKARTA, KOMPAS.com - ",
    "Liputan6.com, Jakarta - ",
    "TRIBUNNEWS.COM, SURABAYA - ",
    "POS-KUPANG.COM, KUPANG - ",
    "Jakarta, CNN Indonesia -- ",
    "Medan (ANTARA) - ",
]


def vocabulary() -> tuple[list[str], list[float]]:
    """Words and their cumulative frequencies (Zipf-shaped, from real Indonesian news)."""
    counts: Counter[str] = Counter()
    if ID_EVENTS.exists():
        with ID_EVENTS.open(encoding="utf-8") as fh:
            for line in fh:
                counts.update(re.findall(r"[^\W\d_]{2,}", json.loads(line)["text"]))
    else:
        counts.update({w: 100 // (i + 1) + 1 for i, w in enumerate(_FALLBACK)})
    words = [w for w, _ in counts.most_common()]
    cum, total = [], 0.0
    for w in words:
        total += counts[w]
        cum.append(total)
    return words, cum


def articles(n: int, seed: int = 7) -> Iterator[Doc]:
    """``n`` synthetic articles in time order."""
    rng = random.Random(seed)
    words, cum = vocabulary()
    rare = words[len(words) // 20 :]  # topic words and names come from the long tail
    t = datetime(2025, 6, 1, tzinfo=UTC)
    made = 0
    story = 0
    bodies: list[tuple[str, str]] = []
    while made < n:
        story += 1
        topic = rng.sample(rare, 14)
        size = min(12, 1 + int(rng.expovariate(1 / 2.5)))
        for _ in range(size):
            if made >= n:
                break
            t += timedelta(seconds=rng.uniform(5, 30))  # ~5,000 articles a day
            if bodies and rng.random() < 0.05:
                title, body = bodies[-1]  # a syndicated copy of the story's last article
                text = rng.choice(DATELINES) + body
            else:
                title = " ".join(topic[:5] + rng.choices(words, cum_weights=cum, k=4))
                body_words = rng.choices(words, cum_weights=cum, k=300)
                for i in range(0, 300, 6):
                    body_words[i] = topic[rng.randrange(14)]
                body = ".\n".join(" ".join(body_words[i : i + 30]) for i in range(0, 300, 30))
                bodies.append((title, body))
                text = rng.choice(DATELINES) + body
            made += 1
            yield Doc(id=f"s{made}", title=title, text=text, published=t, outlet="synthetic")
        bodies = bodies[-1:]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def children_cpu() -> float:
    """CPU seconds of the reaped worker processes so far (a pool's workers count once it closes)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class GcClock:
    """Time the parent spends in cyclic garbage collection (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._t0 = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._t0


@dataclass
class Probe:
    """One measured batch: wall and CPU seconds per article."""

    wall: float
    cpu: float  # this process (the engine; for add() also the per-article stage)
    workers_cpu: float  # worker processes (add_many only)
    gc: float  # of ``wall``, in the parent's garbage collector

    @property
    def rate(self) -> float:
        return 1 / self.wall


def probe(engine: Clusterer, batch: list[Doc], workers: int, gcc: GcClock) -> Probe:
    w0, c0, k0, g0 = time.perf_counter(), time.process_time(), children_cpu(), gcc.seconds
    if workers > 1:
        for _ in engine.add_many(batch, workers=workers):
            pass
    else:
        for d in batch:
            engine.add(d)
    n = len(batch)
    return Probe(
        (time.perf_counter() - w0) / n,
        (time.process_time() - c0) / n,
        (children_cpu() - k0) / n,
        (gcc.seconds - g0) / n,
    )


@dataclass
class Result:
    probes: dict[tuple[str, int], Probe]  # ("add" | "add_many", held) -> probe
    held: int
    gen_s: float
    run_s: float
    rss_mb: float
    engine_mb: float
    load: list[tuple[float, float, float]]  # os.getloadavg() at the start and at the end


def run(small: int, large: int, size: int, workers: int) -> Result:
    # The articles are generated as they are added, not held in a list: the peak RSS is then
    # the engine's (with the whole corpus in memory it included ~320 MB of generated articles
    # that a daemon, which reads them from the database, never holds at once).
    load = [os.getloadavg()]
    stream = articles(large + 2 * size)
    base_rss = rss_mb()
    gcc = GcClock()
    engine = Clusterer()
    probes: dict[tuple[str, int], Probe] = {}
    t_run = time.perf_counter()
    gen_s = 0.0
    i = 0
    for mark in (small, large):
        # Fill (not measured) the way a backlog is filled: add_many with worker processes.
        for _ in engine.add_many(islice(stream, mark - i), workers=workers):
            pass
        t0 = time.perf_counter()
        batch_one, batch_many = list(islice(stream, size)), list(islice(stream, size))
        gen_s += time.perf_counter() - t0
        one = probes["add", mark] = probe(engine, batch_one, 1, gcc)
        many = probes["add_many", mark] = probe(engine, batch_many, workers, gcc)
        i = mark + 2 * size
        print(
            f"  {mark:>7,} held: add() {one.rate:,.0f}/s ({ms(one.cpu)} ms CPU); "
            f"add_many({workers}) {many.rate:,.0f}/s (parent {ms(many.cpu)} ms CPU, "
            f"workers {ms(many.workers_cpu)} ms CPU)",
            flush=True,
        )
    run_s = time.perf_counter() - t_run
    load.append(os.getloadavg())
    return Result(probes, len(engine), gen_s, run_s, rss_mb(), rss_mb() - base_rss, load)


def children_rss_mb() -> float:
    """Peak RSS of the largest reaped worker process."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def ms(x: float) -> str:
    return f"{x * 1e3:.2f}"


def report(r: Result, small: int, large: int, w: int) -> None:
    print(
        f"\n| held | add() articles/s | add() ms wall / CPU | add_many({w}) articles/s "
        "| add_many ms wall | parent ms CPU | workers ms CPU | add_many / add() |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for m in (small, large):
        one, many = r.probes["add", m], r.probes["add_many", m]
        print(
            f"| {m:,} | {one.rate:,.0f} | {ms(one.wall)} / {ms(one.cpu)} | **{many.rate:,.0f}** "
            f"| {ms(many.wall)} | {ms(many.cpu)} | {ms(many.workers_cpu)} "
            f"| {one.wall / many.wall:.2f}x |"
        )
    o_s, o_l = r.probes["add", small], r.probes["add", large]
    m_s, m_l = r.probes["add_many", small], r.probes["add_many", large]
    loads = ", ".join("/".join(f"{x:.2f}" for x in la) for la in r.load)
    # The workers only run ``prepare``, whose work does not depend on how much the engine
    # holds: their CPU ratio is the shared machine's slowdown between the two measurements.
    control = m_l.workers_cpu / m_s.workers_cpu
    print(
        f"\nratio {large:,}/{small:,} held (time per article): add() {o_l.wall / o_s.wall:.2f}x "
        f"wall, {o_l.cpu / o_s.cpu:.2f}x CPU; add_many({w}) {m_l.wall / m_s.wall:.2f}x wall, "
        f"{(m_l.cpu + m_l.workers_cpu) / (m_s.cpu + m_s.workers_cpu):.2f}x CPU\n"
        f"control: the workers' CPU an article (prepare, independent of the size held) "
        f"{control:.2f}x; the engine's CPU (parent) {m_l.cpu / m_s.cpu:.2f}x, "
        f"{m_l.cpu / m_s.cpu / control:.2f}x net of the control\n"
        f"garbage collection in add(): {ms(o_s.gc)} ms an article at {small:,} held, "
        f"{ms(o_l.gc)} at {large:,}\n"
        f"peak RSS {r.rss_mb:.0f} MB with {r.held:,} articles held (~{r.engine_mb:.0f} MB "
        f"above the process before the engine; largest worker {children_rss_mb():.0f} MB); "
        f"run {r.run_s:.0f}s (generating the articles included; the measured batches "
        f"{r.gen_s:.0f}s of it, before their clocks start); load average {loads} "
        f"(start, end; {os.cpu_count()} CPUs)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="2k vs 20k articles")
    ap.add_argument("--workers", type=int, default=2, help="processes for add_many (default 2)")
    args = ap.parse_args(argv)
    small, large, size = (2_000, 20_000, 1_000) if args.quick else (10_000, 100_000, 2_000)
    report(run(small, large, size, args.workers), small, large, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
