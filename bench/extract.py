"""Extraction quality and speed: kliping's extract() against plain trafilatura.extract(html).

    python bench/extract.py               # table on stdout; exit 1 if a goal is missed
    python bench/extract.py --repeat 10   # more timing rounds

Page sets:
  real        tests/data/real/<outlet>/*.html: pages saved from the outlets' sites (SOURCES),
              with hand-made gold body, publication time and authors
  shapes      tests/data/extract/shapes/*.html: hand-made pages, one per failure class of real
              pages (hidden later pages, wrong metadata offsets, photo pages, Blogger/WordPress)
  gold        tests/data/extract/*.html, one page per outlet shape (~40 KiB each)
  gold@120k   the same articles re-rendered with 120 KiB of page chrome (real pages weigh
              50-200 KiB, mostly scripts and menus), for the speed that matters in a crawl
  seeds       the two ../shared/seeds articles wrapped in outlet-shaped pages (skipped if absent)
  corpus      sample_site/data/*.jsonl rendered by the sample site (60 KiB), if present

Score: token F1 of the body against the gold text (bag of whitespace tokens), mean and worst
page; on real and shapes also the publication time exact to the minute with its offset (a day
when the page gives only a day) and the authors exactly. Plain trafilatura's time and authors
come from its own metadata (bare_extraction: a day, no time). Goals: real and shapes mean F1
>= 0.97, no page below 0.80 but declared photo pages, time exact >= 95 %; the rendered sets
F1 >= 0.97 and above plain; every set >= 0.8x plain trafilatura's pages/s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from kliping.crawler.extract import ExtractionError, ExtractRules, extract
from kliping.crawler.extract.quality import token_f1
from kliping.sample_site.render import gold, render_article

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "data" / "extract"
CORPUS = REPO / "sample_site" / "data"
F1_GOAL, SPEED_GOAL = 0.97, 0.8
PAGE_FLOOR, TIME_GOAL = 0.80, 0.95  # issue 18: no real page below 0.80 F1; 95 % times exact
REAL = REPO / "tests" / "data" / "real"
SHAPES = REPO / "tests" / "data" / "extract" / "shapes"
WITA = ExtractRules(local_tz="WITA")


@dataclass(frozen=True)
class Case:
    html: bytes
    url: str | None
    rules: ExtractRules | None
    text: str  # gold body
    name: str = ""
    published: str | None = None  # gold time; only on saved pages with hand-made gold
    authors: tuple[str, ...] | None = None
    kind: str = "article"


@dataclass
class Scores:
    f1: list[float] = field(default_factory=list)
    dated: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)
    pages_s: float = 0.0

    @property
    def mean(self) -> float:
        return sum(self.f1) / len(self.f1)


def _rules(outlet: str) -> ExtractRules | None:
    return WITA if outlet in ("poskupang", "tribunbali") else None


def gold_cases() -> list[Case]:
    cases = []
    for page in sorted(GOLD.glob("*.html")):
        expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
        outlet = page.stem.split("_", 1)[0]
        url = f"https://example.id/{page.stem}"
        cases.append(Case(page.read_bytes(), url, _rules(outlet), expected["text"]))
    return cases


def rendered_cases(records: list[dict], pad_to: int) -> list[Case]:
    related = [("Polisi Ringkus Komplotan Pencuri Motor", "https://example.id/r/1")]
    cases = []
    for record in records:
        url = f"https://example.id/{record['outlet']}/{record['id']}"
        html = render_article(record, url=url, related=related, pad_to=pad_to)
        cases.append(Case(html.encode(), url, _rules(record["outlet"]), gold(record)["text"]))
    return cases


def saved_cases(folder: Path) -> list[Case]:
    sys.path.insert(0, str(REPO))
    from tests.test_extract_real import load

    return [
        Case(p.html, p.url, p.rules, p.text, p.name, p.published, p.authors, p.kind)
        for p in load(folder)
    ]


def seed_cases() -> list[Case]:
    sys.path.insert(0, str(REPO))
    from tests.test_extract_seeds import SEEDS, seed_pages

    if not SEEDS.exists():
        return []
    return [Case(s.html.encode(), s.url, s.rules, "\n".join(s.body)) for s in seed_pages()]


def _ours(case: Case) -> str:
    try:
        return extract(case.html, case.url, case.rules).text
    except ExtractionError:
        return ""


def _plain(case: Case) -> str:
    return trafilatura.extract(case.html) or ""


def quality(cases: list[Case]) -> tuple[Scores, Scores, list[str]]:
    """Per-page F1, time and authors for kliping and plain trafilatura; the pages' lines."""
    from tests.test_extract_real import published_ok

    ours, plain, lines = Scores(), Scores(), []
    for case in cases:
        try:
            got = extract(case.html, case.url, case.rules)
            text, when, authors = got.text, got.published, got.authors
        except ExtractionError:
            text, when, authors = "", None, ()
        doc = trafilatura.bare_extraction(case.html, with_metadata=True)
        p_text = trafilatura.extract(case.html) or ""
        p_date = getattr(doc, "date", None) or None
        p_authors = tuple(a.strip() for a in (getattr(doc, "author", None) or "").split(";") if a)
        ours.f1.append(token_f1(case.text, text))
        plain.f1.append(token_f1(case.text, p_text))
        if case.authors is not None:
            ours.dated.append(published_ok(when, case.published))
            # trafilatura gives a day: right only where the gold is a day too
            plain.dated.append(bool(p_date) and case.published == p_date)
            ours.authors.append(authors == case.authors)
            plain.authors.append(p_authors == case.authors)
            lines.append(
                f"  {case.name:<28} F1 {ours.f1[-1]:.3f} (plain {plain.f1[-1]:.3f})  "
                f"time {'ok ' if ours.dated[-1] else 'BAD'} {when.isoformat() if when else None}"
                f"  authors {'ok' if ours.authors[-1] else 'BAD'}"
                + ("  [photo page]" if case.kind == "photo" else "")
            )
    return ours, plain, lines


def speed(cases: list[Case], repeat: int) -> tuple[float, float]:
    """Pages/s for kliping and plain trafilatura.

    Rounds alternate between the two and each keeps its best round, so load from other
    processes on the machine hits both alike; a round is at least 100 pages (steadier ratios
    on the small sets).
    """
    for case in cases:  # warm-up
        _ours(case)
        _plain(case)
    laps = max(1, -(-100 // len(cases)))
    best = {"ours": float("inf"), "plain": float("inf")}
    for _ in range(repeat):
        for name, run in (("ours", _ours), ("plain", _plain)):
            start = time.perf_counter()
            for _ in range(laps):
                for case in cases:
                    run(case)
            best[name] = min(best[name], time.perf_counter() - start)
    pages = laps * len(cases)
    return pages / best["ours"], pages / best["plain"]


def _pct(flags: list[bool]) -> str:
    return f"{100 * sum(flags) / len(flags):.0f}%" if flags else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing rounds per set")
    args = parser.parse_args()

    records = [
        json.loads(line)
        for line in (GOLD / "articles.jsonl").read_text("utf-8").split("\n")
        if line
    ]
    corpus = [
        json.loads(line)
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    sets = {
        "real": saved_cases(REAL),
        "shapes": saved_cases(SHAPES),
        "gold": gold_cases(),
        "gold@120k": rendered_cases(records, 120_000),
        "seeds": seed_cases(),
        "corpus@60k": rendered_cases(corpus, 60_000),
    }
    header = f"{'set':<11} {'pages':>5} {'F1 mean':>8} {'worst':>6} {'plain':>6} {'p.worst':>7} "
    header += f"{'time ok':>7} {'plain':>6} {'authors':>7} {'plain':>6} "
    header += f"{'p/s':>6} {'plain':>6} {'speed':>6}"
    print(header)
    print("-" * len(header))
    ok, details = True, []
    for name, cases in sets.items():
        if not cases:
            print(f"{name:<11} {'(no data)':>5}")
            continue
        ours, plain, lines = quality(cases)
        fast, slow = speed(cases, args.repeat)
        ratio = fast / slow
        print(
            f"{name:<11} {len(cases):>5} {ours.mean:>8.3f} {min(ours.f1):>6.3f} "
            f"{plain.mean:>6.3f} {min(plain.f1):>7.3f} {_pct(ours.dated):>7} "
            f"{_pct(plain.dated):>6} {_pct(ours.authors):>7} {_pct(plain.authors):>6} "
            f"{fast:>6.1f} {slow:>6.1f} {ratio:>5.2f}x"
        )
        if lines:
            details += [f"{name}:", *lines]
        ok &= ratio >= SPEED_GOAL and ours.mean >= F1_GOAL
        if name in ("real", "shapes"):
            articles = [f for f, c in zip(ours.f1, cases, strict=True) if c.kind != "photo"]
            ok &= min(articles, default=1.0) >= PAGE_FLOOR
            ok &= sum(ours.dated) >= TIME_GOAL * len(ours.dated)
        else:
            ok &= ours.mean > plain.mean
    print("\n" + "\n".join(details))
    print(
        f"\ngoals: F1 mean >= {F1_GOAL} (and above plain on the rendered sets), real/shapes pages"
        f" >= {PAGE_FLOOR} but photo pages, time exact >= {TIME_GOAL:.0%}, speed >= "
        f"{SPEED_GOAL}x: ",
        end="",
    )
    print("met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
