"""Every registry outlet has a golden page, or says why not (issue 13).

A golden page is a real saved page in tests/data/real/<key>/ (hand-made gold, see
test_extract_real) or the sample site's page tests/data/extract/<key>_*.html (test_extract_gold).
An outlet with neither must be listed by key, with the search done, in tests/data/real/MISSING:
adding an outlet to config/outlets.toml without a page or a line there fails here, and a line
whose outlet has a page by now fails too, so the list only shrinks honestly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kliping.config.outlets import load_registry

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
SAMPLE = DATA / "extract"
MISSING = REAL / "MISSING"
REGISTRY = load_registry()


def missing() -> dict[str, str]:
    """MISSING's lines as {key: reason}; '#' starts a comment line."""
    out: dict[str, str] = {}
    for n, line in enumerate(MISSING.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, reason = line.strip().partition(" ")
        assert reason.strip(), f"MISSING line {n}: {key} gives no reason"
        assert key not in out, f"MISSING line {n}: {key} listed twice"
        out[key] = reason.strip()
    return out


def golden_pages(key: str) -> list[Path]:
    return sorted((REAL / key).glob("*.html")) + sorted(SAMPLE.glob(f"{key}_*.html"))


@pytest.mark.parametrize("key", list(REGISTRY), ids=list(REGISTRY))
def test_outlet_has_a_golden_page_or_a_reason(key: str) -> None:
    pages, listed = golden_pages(key), key in missing()
    assert pages or listed, f"{key}: no page in tests/data/real/{key}/ or extract/, not in MISSING"
    assert not (pages and listed), f"{key} has {pages[0].name}: delete its line from MISSING"


def test_missing_names_only_registry_outlets() -> None:
    unknown = sorted(set(missing()) - set(REGISTRY))
    assert not unknown, f"MISSING lists outlets the registry does not have: {unknown}"


def test_real_folders_are_registry_outlets() -> None:
    folders = {p.name for p in REAL.iterdir() if p.is_dir()}
    assert folders <= set(REGISTRY), sorted(folders - set(REGISTRY))
