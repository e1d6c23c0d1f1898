"""Reference document frequencies shipped with the package (placeholder until built)."""

from __future__ import annotations


def load_reference() -> tuple[dict[str, int], int]:
    return {}, 0
