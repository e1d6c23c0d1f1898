"""Regenerate the golden pages: `python tests/data/extract/make_gold.py`.

For each hand-written article in articles.jsonl, render the page its outlet would serve (with
related links, the outlet's boilerplate and realistic page weight) as `<outlet>_<id>.html`, and
write the perfect extraction as `<outlet>_<id>.json` (keys sorted: authors, published, text,
title). Kompas and Tribunnews pages are their all-in-one views (`?page=all`), the view the
crawler fetches; the TribunJabar page is a syndicated copy with the "Artikel ini telah tayang
di" footer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kliping.sample_site.render import SHAPES, gold, render_article

HERE = Path(__file__).resolve().parent
PAD_TO = 40_000  # bytes; real article pages are 50-200 KiB, most of it scripts and menus
RELATED = [
    ("Polisi Ringkus Komplotan Pencuri Motor Antarprovinsi", "/read/2025/05/01/curanmor"),
    ("Cuaca Ekstrem Diprediksi Melanda Sepekan ke Depan", "/read/2025/05/02/cuaca-ekstrem"),
    ("Jadwal KRL Commuter Line Berubah Mulai Senin", "/read/2025/05/03/jadwal-krl"),
]
ALL_VIEW = {"kompas": 2, "tribunnews": 3}  # outlet -> pages the article is split into


def page_url(article: Mapping[str, Any]) -> str:
    return f"https://{SHAPES[article['outlet']].host}/read/{article['id']}"


def articles() -> list[dict[str, Any]]:
    lines = (HERE / "articles.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def render(article: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> str:
    host = SHAPES[article["outlet"]].host
    related = [(title, f"https://{host}{path}") for title, path in RELATED]
    original = None
    if article.get("duplicate_of") in by_id:
        source = by_id[article["duplicate_of"]]
        original = (source["title"], page_url(source))
    n_pages = ALL_VIEW.get(article["outlet"], 1)
    return render_article(
        article,
        url=page_url(article),
        page=0 if n_pages > 1 else 1,
        n_pages=n_pages,
        related=related,
        original=original,
        pad_to=PAD_TO,
    )


def main() -> None:
    records = articles()
    by_id = {a["id"]: a for a in records}
    for article in records:
        stem = f"{article['outlet']}_{article['id']}"
        (HERE / f"{stem}.html").write_text(render(article, by_id), "utf-8")
        expected = json.dumps(gold(article), ensure_ascii=False, indent=1, sort_keys=True)
        (HERE / f"{stem}.json").write_text(expected + "\n", "utf-8")
        print(stem)


if __name__ == "__main__":
    main()
