from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.fix_db", "tests.fix_site"]

# The repository sits beside the read-only shared/ folder (seeds, labelled data).
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not present")
    return SHARED
