from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.fix_db", "tests.fix_site", "tests.fix_web"]

# The repository sits beside the read-only shared/ folder (seeds, labelled data).
SHARED = Path(__file__).resolve().parents[2] / "shared"


# Tests that run kliping's command line as child processes (the `kliping` fixture: a sample site,
# crawls, daemons) are the slow part of the suite; `pytest -m "not slow"` leaves them out.
SLOW_FIXTURES = {"kliping"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not present")
    return SHARED
