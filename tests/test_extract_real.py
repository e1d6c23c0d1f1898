"""Real saved pages (tests/data/real/<outlet>/): body, publication time and authors against
hand-made gold, each page above its floor (floors.json; floors may only rise).

The pages come from public repositories, recorded as repo@commit:path in each folder's SOURCES;
none from the repositories kept for independent measurement (the held-out list HELDOUT names;
a test below checks it).

Also the loader of saved pages with hand-made gold (used by test_extract_shapes and
bench/extract.py): each page is `<name>.html` with `<name>.json` beside it: text (the body, one
paragraph a line), published (ISO 8601 with offset; a bare date when the page gives only a
day), authors, and optionally url, kind ("article" or "photo") and local_tz (the outlet's zone).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from kliping.crawler.extract import ExtractRules, extract
from kliping.crawler.extract.quality import token_f1

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"  # pages saved from the outlets' sites, one folder per outlet
SHAPES = DATA / "extract" / "shapes"  # hand-made pages in the shape of a real failure class


@dataclass(frozen=True)
class GoldPage:
    name: str  # "<folder>/<stem>"
    html: bytes
    url: str | None
    rules: ExtractRules
    text: str
    published: str | None
    authors: tuple[str, ...]
    kind: str


def load(folder: Path) -> list[GoldPage]:
    pages = []
    for path in sorted(folder.rglob("*.html")):
        gold = json.loads(path.with_suffix(".json").read_text("utf-8"))
        pages.append(
            GoldPage(
                name=f"{path.parent.name}/{path.stem}",
                html=path.read_bytes(),
                url=gold.get("url"),
                rules=ExtractRules(local_tz=gold.get("local_tz", "WIB")),
                text=gold["text"],
                published=gold.get("published"),
                authors=tuple(gold["authors"]),
                kind=gold.get("kind", "article"),
            )
        )
    return pages


def published_ok(got: datetime | None, gold: str | None) -> bool:
    """Exact to the minute with the offset; a day-only gold asks for the right local day."""
    if gold is None or got is None:
        return got is None and gold is None
    if "T" not in gold:
        return got.date().isoformat() == gold
    want = datetime.fromisoformat(gold)
    return (
        got.replace(second=0, microsecond=0) == want.replace(second=0, microsecond=0)
        and got.utcoffset() == want.utcoffset()
    )


PAGES = load(REAL)
FLOORS: dict[str, float] = json.loads((REAL / "floors.json").read_text("utf-8"))
HELDOUT = Path(__file__).resolve().parents[1] / ".." / "shared" / "docs" / "heldout-sources.md"
_SOURCE = re.compile(r"^(\S+\.html)\s+([\w.-]+/[\w.-]+)@([0-9a-f]{40}):(\S+)$")


def test_every_page_has_a_floor_and_a_source() -> None:
    assert PAGES, "no real pages"
    assert {p.name for p in PAGES} == set(FLOORS) - {"_comment"}
    for folder in {p.name.split("/")[0] for p in PAGES}:
        lines = (REAL / folder / "SOURCES").read_text("utf-8").splitlines()
        entries = [m for line in lines if (m := _SOURCE.match(line.strip()))]
        listed = {f"{folder}/{m.group(1).removesuffix('.html')}" for m in entries}
        assert {p.name for p in PAGES if p.name.startswith(folder + "/")} <= listed


@pytest.mark.skipif(not HELDOUT.exists(), reason="shared docs absent")
def test_no_page_comes_from_a_heldout_repository() -> None:
    heldout = HELDOUT.read_text("utf-8").lower()
    for sources in REAL.glob("*/SOURCES"):
        for line in sources.read_text("utf-8").splitlines():
            if m := _SOURCE.match(line.strip()):
                assert m.group(2).lower() not in heldout, line


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_real_page(page: GoldPage) -> None:
    result = extract(page.html, page.url, page.rules)
    assert token_f1(page.text, result.text) >= FLOORS[page.name]
    assert published_ok(result.published, page.published), result.published
    assert result.authors == page.authors
