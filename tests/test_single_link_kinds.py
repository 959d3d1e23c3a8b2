"""Every file whose bytes reach WeChat or the output has one name (the reader's rule 3).

A hard link's other names may lie outside the site, where confinement cannot see: a theme
(inlined into the article), a base theme it extends, a header/footer template and an
``--openids`` list are refused like pictures and posts, whatever the link's second name."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.cli.send import _target
from mdwx.config import SiteConfig
from mdwx.errors import MdwxError
from mdwx.render.header_footer import read_template
from mdwx.render.themes import load_theme

CSS = "p { color: #123456; }\n"
OPENIDS = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M\no6_bmjrPTlm6_2sgVt7hMZOPfL2N\n"


def _theme(site: Path) -> object:
    (site / "site.css").write_text(CSS, "utf-8")
    return load_theme("site.css", site)


def _base(site: Path) -> object:
    (site / "site.css").write_text('@import "base.css";\n' + CSS, "utf-8")
    return load_theme("site.css", site)


def _template(site: Path) -> object:
    return read_template(SiteConfig(root=site), "site.css")


def _openids(site: Path) -> object:
    (site / "post.md").write_text("# t\n", "utf-8")
    return _target(None, None, site / "site.css", site / "post.md")


# kind → (the file the hard link is, its text, how mdwx reads it)
KINDS: dict[str, tuple[str, str, Callable[[Path], object]]] = {
    "theme": ("site.css", CSS, _theme),
    "base theme": ("base.css", CSS, _base),
    "template": ("site.css", "Footer {author}\n", _template),
    "openids": ("site.css", OPENIDS, _openids),
}


def _site(tmp: Path, case: str) -> tuple[Path, Path]:
    site, outside = tmp / f"site-{case}", tmp / f"out-{case}"
    site.mkdir()
    outside.mkdir()
    (site / "mdwx.toml").write_text("", "utf-8")
    return site, outside


@given(
    kind=st.sampled_from(sorted(KINDS)),
    names=st.integers(min_value=1, max_value=3),
    second_outside=st.booleans(),
)
def test_every_published_file_kind_refuses_a_hard_link(
    tmp_path_factory: pytest.TempPathFactory, kind: str, names: int, second_outside: bool
) -> None:
    tmp = tmp_path_factory.mktemp("links")
    site, outside = _site(tmp, kind.replace(" ", "-"))
    file, text, read = KINDS[kind]
    secret = (outside if second_outside else site / "sub") / "secret.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(text, "utf-8")
    os.link(secret, site / file)
    for extra in range(names - 1):
        os.link(secret, outside / f"more-{extra}")
    with pytest.raises(MdwxError, match="a hard link"):
        read(site)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_copy_of_its_own_is_accepted(tmp_path: Path, kind: str) -> None:
    site, _ = _site(tmp_path, "copy")
    file, text, read = KINDS[kind]
    (site / file).write_text(text, "utf-8")
    read(site)
