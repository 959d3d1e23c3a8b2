"""A small site of 多图文 bundle posts for the bundle tests, and reading the sandbox's drafts."""

from __future__ import annotations

from pathlib import Path

from mdwx.sandbox import SandboxServer
from tests.cli_helpers import write_post


def bundle_site(root: Path, backend: str = "draft") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mdwx.toml").write_text(f'backend = "{backend}"\n', encoding="utf-8")
    return root


def member(
    root: Path,
    name: str,
    *,
    bundle: str | None = "weekly",
    index: int | None = None,
    body: str = "Some text.",
    extra: str = "",
) -> Path:
    """posts/NAME.md of ``bundle`` (None: in no bundle) at ``index``; its title is NAME."""
    keys = extra
    if bundle is not None:
        keys += f"bundle: {bundle}\n"
    if index is not None:
        keys += f"bundle_index: {index}\n"
    return write_post(root / "posts" / f"{name}.md", title=name, body=body, extra=keys)


def box(sb: SandboxServer) -> list[list[str]]:
    """The draft box: each draft's article titles, in order."""
    return [[item["title"] for item in d.items] for d in sb.store.drafts()]
