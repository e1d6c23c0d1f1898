"""Dependencies point down: commands -> scheduler -> crawler / dedup -> alerts -> storage -> config.

Read from the source with ``ast`` (imports inside functions count too), so an arrow pointing up
fails here before it becomes a cycle or a hidden coupling.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each layer may import from kliping (besides itself). The CLI (src/kliping: cli.py and
# commands/) sits on top and may import anything; the sample site is a test aid over config.
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "storage": {"config"},
    "crawler": {"config", "storage"},
    "alerts": {"config", "storage"},
    "dedup": {"config", "storage", "alerts"},  # a clustering pass queues its alerts
    "scheduler": {"config", "storage", "crawler", "dedup", "alerts"},
    "sample_site": {"config"},
}


def _kliping_imports(path: Path) -> set[str]:
    """The kliping subpackages a module imports (``kliping.crawler.x`` -> ``crawler``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "kliping" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_point_down(layer: str) -> None:
    known = {"cli", "commands", "__version__", "web", *ALLOWED}
    wrong = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for target in _kliping_imports(path) & known:
            if target != layer and target not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(ROOT)} imports kliping.{target}")
    assert not wrong, "\n".join(wrong)
