"""Comments and docstrings cite only documents that are in the repository.

A comment that sends the reader to a section of a document kept elsewhere cannot be checked or
followed from a checkout; the fact itself (or a file here) must be written instead.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".git", ".venv", "venv", "build", "dist", "node_modules", "__pycache__", ".mypy_cache"}
# A file name ending in .md, with or without a folder path (relative ones included).
_CITED = re.compile(r"(?<![\w/.-])((?:\.{1,2}/)*[\w-]+(?:/[\w.-]+)*\.md)\b")


def python_files() -> list[Path]:
    seen: dict[Path, Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP.isdisjoint(path.relative_to(ROOT).parts):
            seen.setdefault(path.resolve(), path)  # src/kliping/* links to the top-level folders
    return list(seen.values())


def prose(source: str) -> list[str]:
    """The comments and docstrings of a module."""
    texts = [
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                texts.append(doc)
    return texts


def missing_citations(path: Path, source: str) -> list[str]:
    """The .md files cited in ``source``'s prose that are not in the repository (a path is read
    from the repository root or from the file's folder)."""
    missing = []
    for text in prose(source):
        for cited in _CITED.findall(text):
            places = [(ROOT / cited).resolve(), (path.parent / cited).resolve()]
            if not any(p.is_file() and p.is_relative_to(ROOT) for p in places):
                missing.append(cited)
    return missing


def test_the_check_catches_a_citation_of_a_document_not_here() -> None:
    here = ROOT / "crawler" / "example.py"
    source = (
        '"""Rules (docs/dedup.md; ../shared/docs/outlets.md)."""\n'
        "x = 'design.md'  # not prose: a string\n"
        "# the widget counts of outlets.md section 4, the README.md table\n"
    )
    assert missing_citations(here, source) == ["outlets.md", "../shared/docs/outlets.md"]


def test_comments_cite_only_files_in_the_repository() -> None:
    files = python_files()
    assert len(files) > 100  # the walk found the package, tests and benches
    found = {
        str(path.relative_to(ROOT)): cited
        for path in files
        if (cited := missing_citations(path, path.read_text("utf-8")))
    }
    assert not found, f"cite a file in the repository, or write the fact itself: {found}"
