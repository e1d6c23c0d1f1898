"""Throughput of `Clusterer.add` as the engine fills: time per article at 10k vs 100k held.

    python bench/cluster_scale.py            # 10k vs 100k (about 3 minutes on 2 cores)
    python bench/cluster_scale.py --quick    # 2k vs 20k

Articles are synthetic but shaped like the real ones: ~300-word bodies and headlines drawn from
the word frequencies of shared/data/id_events_dev.jsonl (a small built-in vocabulary if that is
missing), a dateline, stories of 1-12 articles each with its own names and topic words, about one
article in twenty a syndicated copy with another dateline, times rising over ~20 days. Nothing is
forgotten (``forget_before`` is never called), so the engine holds every article.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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


def run(small: int, large: int, probe: int, workers: int) -> dict[str, float]:
    print(f"generating {large + 2 * probe:,} articles ...", flush=True)
    t0 = time.perf_counter()
    docs = list(articles(large + 2 * probe))
    gen_s = time.perf_counter() - t0
    base_rss = rss_mb()
    engine = Clusterer()
    out: dict[str, float] = {"gen_s": gen_s}
    t_fill = time.perf_counter()
    i = 0
    for mark in (small, large):
        # Fill (not measured) with the per-article stage in worker processes.
        for _ in engine.add_many(docs[i:mark], workers=workers):
            pass
        # Probe 1: plain sequential add(), wall and CPU time.
        batch = docs[mark : mark + probe]
        w0, c0 = time.perf_counter(), time.process_time()
        for d in batch:
            engine.add(d)
        out[f"add_wall_{mark}"] = (time.perf_counter() - w0) / probe
        out[f"add_cpu_{mark}"] = (time.process_time() - c0) / probe
        # Probe 2: add_many with workers (the daemon's path for a backlog).
        batch = docs[mark + probe : mark + 2 * probe]
        w0 = time.perf_counter()
        for _ in engine.add_many(batch, workers=workers):
            pass
        out[f"many_wall_{mark}"] = (time.perf_counter() - w0) / probe
        i = mark + 2 * probe
        print(
            f"  {mark:>7,} held: add {out[f'add_wall_{mark}'] * 1e3:.2f} ms wall, "
            f"{out[f'add_cpu_{mark}'] * 1e3:.2f} ms CPU; add_many({workers}) "
            f"{out[f'many_wall_{mark}'] * 1e3:.2f} ms wall",
            flush=True,
        )
    out["total_s"] = time.perf_counter() - t_fill
    out["rss_mb"] = rss_mb()
    out["engine_mb"] = rss_mb() - base_rss
    out["held"] = len(engine)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="2k vs 20k articles")
    ap.add_argument("--workers", type=int, default=2, help="processes for add_many (default 2)")
    args = ap.parse_args(argv)
    small, large, probe = (2_000, 20_000, 1_000) if args.quick else (10_000, 100_000, 2_000)
    r = run(small, large, probe, args.workers)
    print(
        "\n| held | add() ms/article (wall) | add() ms CPU | add() articles/s | "
        f"add_many({args.workers}) ms/article | add_many articles/s |"
    )
    print("|---|---|---|---|---|---|")
    for m in (small, large):
        aw, ac, mw = r[f"add_wall_{m}"], r[f"add_cpu_{m}"], r[f"many_wall_{m}"]
        print(
            f"| {m:,} | {aw * 1e3:.2f} | {ac * 1e3:.2f} | {1 / aw:,.0f} "
            f"| {mw * 1e3:.2f} | {1 / mw:,.0f} |"
        )
    print(
        f"\nratio {large:,}/{small:,}: "
        f"add() {r[f'add_wall_{large}'] / r[f'add_wall_{small}']:.2f}x wall, "
        f"{r[f'add_cpu_{large}'] / r[f'add_cpu_{small}']:.2f}x CPU; "
        f"add_many {r[f'many_wall_{large}'] / r[f'many_wall_{small}']:.2f}x\n"
        f"peak RSS {r['rss_mb']:.0f} MB with {r['held']:,} articles held "
        f"(~{r['engine_mb']:.0f} MB above the generated articles); "
        f"run {r['total_s']:.0f}s + generation {r['gen_s']:.0f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
