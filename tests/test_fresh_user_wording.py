"""What a fresh user read and could not act on: install hints naming a package index mdwx is
not on, an empty ``[bundles]`` entry told to split itself, ``delete`` saying what it removes
before it refused to ask, "box" on the media backend, and one title twice in ``used_by``."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.account.types import MaterialRow
from mdwx.bundles.table import MAX_TABLE_ARTICLES, parse_bundles
from mdwx.errors import ConfigError
from mdwx.install_hint import install_hint, upgrade_hint
from tests.cli_helpers import count, mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import sandbox

ROOT = Path(__file__).resolve().parent.parent
#: An install from a package index: mdwx is not on one (README, Installing).
FROM_AN_INDEX = re.compile(r"""pip install (-U )?['"]?mdwx(\[[\w,]*\])?(?!\s*@)(?![\w-])""")


def test_no_hint_or_page_installs_mdwx_from_a_package_index() -> None:
    texts = [*(ROOT / "mdwx").rglob("*.py"), *(ROOT / "docs").rglob("*.md"), ROOT / "README.md"]
    found = [
        f"{path.relative_to(ROOT)}: {hit.group(0)}"
        for path in texts
        if path.name != "install_hint.py"
        for hit in FROM_AN_INDEX.finditer(path.read_text("utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "extra",
    [
        None,
        *tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
            "optional-dependencies"
        ],
    ],
)
def test_every_install_hint_works_from_a_clone(extra: str | None) -> None:
    hint = install_hint(extra)
    assert ("python -m pip install " + (f"'.[{extra}]'" if extra else ".")) in hint
    assert "git URL" in hint and not FROM_AN_INDEX.search(hint)
    assert install_hint() in upgrade_hint()


@settings(max_examples=12)
@given(st.integers(min_value=0, max_value=MAX_TABLE_ARTICLES + 4))
def test_a_bundle_table_entry_is_told_what_is_wrong_with_its_own_size(size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i in range(size):
            (root / f"p{i}.md").write_text("x", "utf-8")
        listed = {"w2": [f"p{i}.md" for i in range(size)]}
        if 1 <= size <= MAX_TABLE_ARTICLES:
            assert parse_bundles(listed, root / "mdwx.toml", root)["w2"] == tuple(listed["w2"])
            return
        with pytest.raises(ConfigError) as refused:
            parse_bundles(listed, root / "mdwx.toml", root)
    said = str(refused.value)
    assert ("lists no posts" in said) == (size == 0) and ("split" in said) == (size > 8), said


@settings(max_examples=20)
@given(st.lists(st.sampled_from(["独立文章", "草稿", "a", "b"]), max_size=8))
def test_used_by_names_each_article_once_in_the_order_found(titles: list[str]) -> None:
    row = MaterialRow("m", "n.png", "http://x", 0, True, tuple(titles))
    assert row.used_by == tuple(dict.fromkeys(titles))
    assert row.to_json()["used_by"] == list(dict.fromkeys(titles))


def test_delete_refuses_before_saying_anything_and_names_the_media_backends_side_draft(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text("", encoding="utf-8")  # the media backend: no draft box
    post = write_post(root / "posts" / "m.md", title="媒体")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("publish", str(post), cwd=root, env=env)
        assert code == 0, report
        code, shown = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and shown["uploaded"]
        refused = mdwx("delete", str(post), cwd=root, env=env)  # no terminal, no --yes
        assert refused.returncode == 2 and "--yes" in refused.stderr
        assert "delete" not in refused.stderr.replace("refusing to delete", ""), refused.stderr
        assert count(sb, "publish/delete") == 0
        deleted = mdwx("delete", str(post), "--yes", cwd=root, env=env)
        assert deleted.returncode == 0, deleted.stderr
        assert f"its unsubmitted article {shown['media_id']}" in deleted.stderr
        assert "box" not in deleted.stderr, deleted.stderr
