"""The design lives in the repository: docs/architecture.md.

A maintainer with only the repository must be able to read every "why" the code
points to. So no file cites the design brief that was kept outside the repository,
or any other path outside it; every ``docs/….md`` a comment names exists, with the
heading its ``#anchor`` names; the map names every feature package; and the layers
it describes hold (docs/architecture.md#layers).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ARCHITECTURE = DOCS / "architecture.md"
THIS = Path(__file__).resolve()

# What the repository's own files may not cite: the brief kept outside the
# repository (by name or by section sign), or a path outside the repository.
OUTSIDE = [
    re.compile(r"\bDESIGN(?:\.md|\s*§)"),
    re.compile(r"\.\./shared\b"),
    re.compile(r"\bshared/(?:seeds|reference|DESIGN|hooks)\b"),
    re.compile(r"/work/"),
]
DOC_LINK = re.compile(r"\bdocs/([A-Za-z0-9_./-]+\.md)(?:#([A-Za-z0-9_-]+))?")
MD_LINK = re.compile(r"\]\(([^)\s]*)\)")
TEXT_SUFFIXES = {".py", ".toml", ".md", ".sh", ".txt", ".ini", ".mako", ".cfg", ".yml", ".spec"}
SKIP_DIRS = {"__pycache__", ".venv", "cache", "out", ".pytest_cache", ".mypy_cache"}

# Checked for citations and links: the code and everything shipped or run with it.
CODE_ROOTS = ["kcdesk", "tests", "tools", "bench", "forms", "installer", ".ci", ".github"]
CODE_FILES = ["pyproject.toml", "README.md", "Makefile", "installer.spec"]


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES and path.resolve() != THIS:
            yield path


def code_files() -> list[Path]:
    files = [f for name in CODE_ROOTS if (ROOT / name).is_dir() for f in _walk(ROOT / name)]
    return files + [ROOT / name for name in CODE_FILES if (ROOT / name).is_file()]


def slug(heading: str) -> str:
    """The anchor GitHub (and most renderers) give a Markdown heading."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            found.add(slug(line.lstrip("#")))
    return found


def test_the_scan_sees_the_code() -> None:
    names = {f.relative_to(ROOT).as_posix() for f in code_files()}
    assert {"kcdesk/services/core/audit.py", "pyproject.toml", "tools/sysdeps.sh"} <= names
    assert "forms/activities.toml" in names and "bench/run.py" in names


def test_nothing_cites_a_document_or_path_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in code_files() + sorted(DOCS.glob("*.md"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(pattern.search(line) for pattern in OUTSIDE)
    ]
    assert offenders == []


def test_every_docs_link_in_the_code_points_to_an_existing_page_and_heading() -> None:
    cited: dict[tuple[str, str | None], list[str]] = {}
    for path in code_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in DOC_LINK.finditer(line):
                where = f"{path.relative_to(ROOT)}:{number}"
                cited.setdefault((match.group(1), match.group(2)), []).append(where)
    assert ("architecture.md", "known-traps-of-the-stack") in cited  # the scan finds links
    broken = []
    for (page, anchor), where in sorted(cited.items(), key=str):
        target = DOCS / page
        if not target.is_file():
            broken.append(f"docs/{page} (cited in {', '.join(where)})")
        elif anchor is not None and anchor not in anchors(target):
            broken.append(f"docs/{page}#{anchor} (cited in {', '.join(where)})")
    assert broken == []


def test_links_inside_the_docs_resolve() -> None:
    broken = []
    for page in sorted(DOCS.glob("*.md")):
        for match in MD_LINK.finditer(page.read_text(encoding="utf-8")):
            target = match.group(1)
            if "://" in target or target.startswith("mailto:"):
                continue
            file_part, _, anchor = target.partition("#")
            linked = (page.parent / file_part).resolve() if file_part else page
            missing_anchor = (
                bool(anchor) and linked.suffix == ".md" and anchor not in anchors(linked)
            )
            if not linked.exists() or missing_anchor:
                broken.append(f"{page.name}: {target}")
    assert broken == []


def _packages(layer: str) -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "kcdesk" / layer).glob("*/__init__.py"))


@pytest.mark.parametrize("layer", ["services", "reports"])
def test_the_map_names_every_feature_package(layer: str) -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text[text.index("## Packages") : text.index("## A proposal")]
    missing = [name for name in _packages(layer) if f"`{name}/`" not in section]
    assert _packages(layer) and missing == []


def test_the_readme_points_to_the_architecture_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    assert "docs/architecture.md" in layout.split("|", 1)[0]
    assert "`kcdesk/services/<feature>/`" in layout and "`kcdesk/reports/<feature>/`" in layout


# -- the layers of docs/architecture.md#layers -------------------------------------
# layer folder → module prefixes it may not import (anywhere, lazily or for typing).
FORBIDDEN = {
    "models": (
        "PySide6",
        "shiboken6",
        "kcdesk.ui",
        "kcdesk.cli",
        "kcdesk.reports",
        "kcdesk.services",
    ),
    "formatting": (
        "PySide6",
        "shiboken6",
        "kcdesk.ui",
        "kcdesk.cli",
        "kcdesk.reports",
        "kcdesk.services",
    ),
    "services": ("PySide6", "shiboken6", "kcdesk.ui", "kcdesk.cli", "kcdesk.reports"),
    "reports": ("PySide6", "shiboken6", "kcdesk.ui", "kcdesk.cli"),
    "migrations": ("PySide6", "shiboken6", "kcdesk.ui", "kcdesk.cli"),
    "cli": ("PySide6", "shiboken6", "kcdesk.ui"),
}


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # ``from kcdesk import ui``
                yield node.lineno, f"{node.module}.{alias.name}"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_from_the_layers_below(layer: str) -> None:
    banned = FORBIDDEN[layer]
    files = sorted((ROOT / "kcdesk" / layer).rglob("*.py"))
    assert files
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in files
        for line, name in _imports(path)
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]
    assert offenders == []
