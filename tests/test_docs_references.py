"""The repository stands alone: every file, module and name its docs and code cite exists in it.

A new owner follows a reference from a docstring or a page of ``docs/``; it must lead to a
file of this repository (not to a document that lived beside it once), and a dotted name such
as ``mdwx.cli.common.EXIT_CODES`` must be importable as written.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Benchmarks and tests may read the reference material beside the repository; docs and code may not.
DOCS = sorted([REPO / "README.md", REPO / "CHANGELOG.md", *(REPO / "docs").rglob("*.md")])
CODE = sorted(
    [*(REPO / "mdwx").rglob("*.py"), REPO / "action.yml", REPO / ".pre-commit-hooks.yaml"]
)

#: Documents that lived beside the repository while it was young; nothing may cite them now.
OUTSIDE = re.compile(
    r"DESIGN\.md|WECHAT-FACTS|WECHAT-REACH|wechat-(?:media|draft)-api\.md|\.\./shared/"
)
#: A path of this repository written in prose: docs/…, mdwx/…, tests/…, benchmarks/…, templates/….
REPO_PATH = re.compile(r"(?<![\w./-])((?:docs|mdwx|tests|benchmarks)/[\w./-]*[\w/])")
MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
DOTTED = re.compile(r"`(mdwx(?:\.\w+)+)`")
FILE_ENDINGS = {"toml", "md", "json", "jsonl", "yml", "yaml", "db", "py", "css", "html"}
#: Fenced blocks and inline code: examples of a user's own files, not references to ours.
CODE_SPANS = re.compile(r"^(`{3,}|~{3,}).*?^\1|`[^`\n]+`", re.M | re.S)


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _exists(path: str, base: Path) -> bool:
    target = path.split("#", 1)[0].rstrip("/")
    if "*" in target or "<" in target or not target:
        return True  # a pattern or a placeholder, not a file
    return (REPO / target).exists() or (base / target).exists()


@pytest.mark.parametrize("path", DOCS + CODE, ids=_rel)
def test_nothing_cites_a_document_outside_the_repository(path: Path) -> None:
    text = path.read_text("utf-8")
    cited = sorted({m.group(0) for m in OUTSIDE.finditer(text)})
    assert not cited, f"{_rel(path)} cites {cited}: write what it relies on under docs/ instead"


@pytest.mark.parametrize("path", DOCS, ids=_rel)
def test_links_and_paths_in_docs_lead_to_files(path: Path) -> None:
    text = path.read_text("utf-8")
    prose = CODE_SPANS.sub("", text)
    missing = [
        link
        for link in MD_LINK.findall(prose)
        if "://" not in link
        and not link.startswith(("#", "mailto:"))
        and not _exists(link, path.parent)
    ]
    missing += [p for p in REPO_PATH.findall(text) if not _exists(p, path.parent)]
    assert not missing, f"{_rel(path)} names files that do not exist: {sorted(set(missing))}"


@pytest.mark.parametrize("path", DOCS, ids=_rel)
def test_dotted_names_in_docs_can_be_imported(path: Path) -> None:
    broken = []
    for name in sorted(set(DOTTED.findall(path.read_text("utf-8")))):
        parts = name.split(".")
        if parts[-1] in FILE_ENDINGS:
            continue  # a file name such as mdwx.toml
        for cut in range(len(parts), 0, -1):
            try:
                value: object = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attr in parts[cut:]:
                    value = getattr(value, attr)
            except AttributeError:
                broken.append(name)
            break
        else:
            broken.append(name)
    assert not broken, f"{_rel(path)} names what does not exist: {broken}"
