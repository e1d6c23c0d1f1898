"""The sample site's articles: the bundled Indonesian corpus, each given a real-shaped URL.

``scale`` adds synthetic copies (for the ingest benchmark) whose paragraphs are permuted, so
they are distinct pages of realistic size rather than byte-identical duplicates.
"""

from __future__ import annotations

import json
import random
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

# Outlet shape -> URL path after "/<outlet>", built from the article's local date and numbers.
# They copy the shapes of the real sites' article URLs (detik's d-<id>, Kompas's read/<date>/<id>).
_PATHS = {
    "detik": "/news/berita/d-{n7}/{slug}",
    "kompas": "/nasional/read/{y}/{m}/{d}/{n9}/{slug}",
    "tribunnews": "/{section}/{y}/{m}/{d}/{slug}",
    "poskupang": "/{y}/{m}/{d}/{slug}",
    "tribunjabar": "/{y}/{m}/{d}/{slug}",
    "tribunbali": "/{y}/{m}/{d}/{slug}",
    "cnnindonesia": "/{section}/{stamp}-{n3}-{n6}/{slug}",
    "liputan6": "/news/read/{n7}/{slug}",
    "medcom": "/{section}/peristiwa/{code}-{slug}",
    "tempo": "/read/{n7}/{slug}",
    "antaranews": "/berita/{n7}/{slug}",
}
# Outlets whose long articles are split over pages, and from how many paragraphs on. Tempo
# has no one-page view (the crawler must follow ?page_num=N and stitch); the others have one.
PAGINATED = {
    "detik": 10, "kompas": 10, "tribunnews": 10, "poskupang": 10, "tribunjabar": 10,
    "tribunbali": 10, "liputan6": 8, "antaranews": 10, "tempo": 6,
}  # fmt: skip
# The query parameter of page N, per outlet (default "page").
PAGE_PARAMETER = {"tempo": "page_num"}


@dataclass(frozen=True)
class SampleArticle:
    record: Mapping[str, Any]
    path: str  # "/<outlet>/..." below the site's base URL

    @property
    def outlet(self) -> str:
        return str(self.record["outlet"])

    @property
    def published(self) -> datetime:
        return datetime.fromisoformat(self.record["published"])

    @property
    def n_pages(self) -> int:
        paragraphs = len(self.record["paragraphs"])
        if paragraphs < PAGINATED.get(self.outlet, 10**6):
            return 1
        return 3 if paragraphs >= 13 else 2

    def page_url(self, base: str, page: int) -> str:
        return f"{base}{self.path}?{PAGE_PARAMETER.get(self.outlet, 'page')}={page}"


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80]


def _path(record: Mapping[str, Any]) -> str:
    when = datetime.fromisoformat(record["published"])
    seed = zlib.crc32(record["id"].encode())
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    values = {
        "y": f"{when:%Y}",
        "m": f"{when:%m}",
        "d": f"{when:%d}",
        "stamp": f"{when:%Y%m%d%H%M%S}",
        "n3": str(100 + seed % 900),
        "n6": str(100000 + seed % 900000),
        "n7": str(1000000 + seed % 9000000),
        "n9": str(100000000 + seed % 900000000),
        "code": "".join(alphabet[(seed >> (4 * i)) % len(alphabet)] for i in range(8)),
        "section": record.get("section") or "nasional",
        "slug": slugify(record["title"]),
    }
    return f"/{record['outlet']}" + _PATHS[record["outlet"]].format(**values)


def load_records() -> list[dict[str, Any]]:
    folder = resources.files("kliping.sample_site").joinpath("data")
    records: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonl"):
            for line in entry.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    records.append(json.loads(line))
    return records


def _synthetic(records: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    rng = random.Random(20211230)
    out = []
    for i in range(count):
        base = dict(records[i % len(records)])
        paragraphs = list(base["paragraphs"])
        rng.shuffle(paragraphs)
        base.update(
            id=f"{base['id']}-x{i}",
            title=f"{base['title']} ({i})",
            paragraphs=paragraphs,
            story=f"{base['story']}-x{i}",
            duplicate_of=None,
        )
        out.append(base)
    return out


def build(scale: int = 0) -> list[SampleArticle]:
    """The corpus, plus ``scale`` synthetic articles; URLs are unique."""
    records = load_records()
    records += _synthetic([r for r in records if r["outlet"] in _PATHS], scale)
    seen: set[str] = set()
    articles = []
    for record in records:
        if record["outlet"] not in _PATHS:
            continue
        path = _path(record)
        if path in seen:  # two titles with one slug on one day: keep URLs unique
            path += f"-{zlib.crc32(record['id'].encode()) % 1000}"
        seen.add(path)
        articles.append(SampleArticle(record, path))
    return articles
