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


# SQL lives in storage/: every other module (alerts/ included) calls a typed storage function
# instead of running a statement itself.
SQL_HOMES = {"storage"}
_EXECUTE = {"execute", "executemany"}


def _executes(path: Path) -> list[int]:
    """Lines of ``path`` that call ``<anything>.execute(...)`` or ``.executemany(...)``."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _EXECUTE
    )


def _modules_outside_storage() -> list[Path]:
    package = ROOT / "src" / "kliping"
    paths = [p for layer in sorted(set(ALLOWED) - SQL_HOMES) for p in (ROOT / layer).rglob("*.py")]
    # The CLI, its commands and the web app: the package's own files (the rest are links).
    own = {"cli.py", "__main__.py", "__init__.py", "argtypes.py", "commands", "web"}
    paths += [p for p in package.rglob("*.py") if p.relative_to(package).parts[0] in own]
    return sorted(paths)


def test_sql_runs_only_in_storage() -> None:
    # The check can fail: storage itself runs SQL.
    assert _executes(ROOT / "storage" / "clusters.py")
    paths = _modules_outside_storage()
    assert any(p.parts[-2] == "commands" for p in paths) and any("web" in p.parts for p in paths)
    assert any(p.parts[-2] == "alerts" for p in paths)
    wrong = [f"{p.relative_to(ROOT)}:{line}" for p in paths for line in _executes(p)]
    assert not wrong, "SQL run outside storage/ (move it into a storage function):\n" + "\n".join(
        wrong
    )
