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


def run(small: int, large: int, probe: int) -> dict[str, float]:
    print(f"generating {large + probe:,} articles ...", flush=True)
    t0 = time.perf_counter()
    docs = list(articles(large + probe))
    gen_s = time.perf_counter() - t0
    base_rss = rss_mb()
    engine = Clusterer()
    rates: dict[int, float] = {}
    t_all = time.perf_counter()
    i = 0
    for mark in (small, large):
        while i < mark:
            engine.add(docs[i])
            i += 1
        t1 = time.perf_counter()
        for d in docs[mark : mark + probe]:
            engine.add(d)
        rates[mark] = (time.perf_counter() - t1) / probe
        # Probe articles stay in: the next phase continues after them.
        i = mark + probe
        print(
            f"  {mark:>7,} held: {rates[mark] * 1e3:.3f} ms/article ({1 / rates[mark]:,.0f}/s)",
            flush=True,
        )
    total_s = time.perf_counter() - t_all
    return {
        "ms_small": rates[small] * 1e3,
        "ms_large": rates[large] * 1e3,
        "ratio": rates[large] / rates[small],
        "per_s_large": 1 / rates[large],
        "overall_per_s": len(engine) / total_s,
        "rss_mb": rss_mb(),
        "engine_mb": rss_mb() - base_rss,
        "gen_s": gen_s,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="2k vs 20k articles")
    args = ap.parse_args(argv)
    small, large, probe = (2_000, 20_000, 1_000) if args.quick else (10_000, 100_000, 2_000)
    r = run(small, large, probe)
    print(
        f"\n| held | ms/article | articles/s |\n|---|---|---|\n"
        f"| {small:,} | {r['ms_small']:.3f} | {1e3 / r['ms_small']:,.0f} |\n"
        f"| {large:,} | {r['ms_large']:.3f} | {r['per_s_large']:,.0f} |\n"
    )
    print(
        f"ratio {large:,}/{small:,}: {r['ratio']:.2f}x; "
        f"overall {r['overall_per_s']:,.0f} articles/s; "
        f"peak RSS {r['rss_mb']:.0f} MB (engine ~{r['engine_mb']:.0f} MB above the articles); "
        f"generation {r['gen_s']:.0f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
