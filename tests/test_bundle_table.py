"""The ``[bundles]`` table of mdwx.toml, the second way into a 多图文 bundle, and a bundle's
phone preview over real HTTP against the sandbox.

The table and front matter describing the same bundle give the same plan (a property over
orders and the post a hook names); every mistake in the table is one line naming mdwx.toml
and its line, before anything is sent; a bundle previewed on a phone arrives as one message
of all its articles — from its draft, and once published from its side draft.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from tests.bundle_helpers import box, bundle_site, member
from tests.cli_helpers import count, mdwx, mdwx_json, sandbox_env
from tests.factories import sandbox

NAMES = "abcd"
#: Bundles of 2 to 4 posts in any order, and the post a hook names.
ORDERS = (
    st.permutations(NAMES)
    .flatmap(lambda o: st.integers(2, len(o)).map(lambda n: list(o[:n])))
    .flatmap(lambda posts: st.tuples(st.just(posts), st.sampled_from(posts)))
)


def table_site(root: Path, order: list[str], extra_toml: str = "") -> Path:
    bundle_site(root)
    listed = ", ".join(f'"posts/{name}.md"' for name in order)
    with (root / "mdwx.toml").open("a", encoding="utf-8") as toml:
        toml.write(f"{extra_toml}\n[bundles]\nweekly = [{listed}]\n")
    for name in order:
        member(root, name, bundle=None)
    return root


def front_site(root: Path, order: list[str]) -> Path:
    bundle_site(root)
    for place, name in enumerate(order, start=1):
        member(root, name, index=place)
    return root


def planned(root: Path, env: dict[str, str], named: str) -> list[tuple[str, list[str]]]:
    code, report = mdwx_json("publish", "--draft", "--dry-run", named, cwd=root, env=env)
    assert code == 0, report
    return sorted((Path(p["path"]).name, p["steps"]) for p in report["posts"])


def inbox(sb: SandboxServer, to: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{sb.base_url}/_sandbox/inbox", params={"to": to}).json()["messages"])


@hsettings(max_examples=5)
@given(order=ORDERS)
def test_the_table_and_front_matter_give_the_same_plan(
    tmp_path_factory: pytest.TempPathFactory, order: tuple[list[str], str]
) -> None:
    posts, named = order
    folder = tmp_path_factory.mktemp("same")
    with sandbox() as sb:
        env = sandbox_env(sb, folder)
        by_table = table_site(folder / "table", posts)
        by_front = front_site(folder / "front", posts)
        hook = f"posts/{named}.md"  # a hook names the changed post only: the bundle comes whole
        assert planned(by_table, env, hook) == planned(by_front, env, hook)
        assert planned(by_table, env, "posts/") == planned(by_front, env, "posts/")


def test_a_table_bundle_is_previewed_on_a_phone_as_one_message(tmp_path: Path) -> None:
    root = table_site(tmp_path / "site", ["c", "a", "b"])
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, shown = mdwx_json("preview", "posts/a.md", "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and shown["uploaded"], shown
        assert box(sb) == [["c", "a", "b"]] and count(sb, "draft/add") == 1
        [message] = inbox(sb, "reader1")
        assert message["titles"] == ["c", "a", "b"]
        code, report = mdwx_json("publish", "posts/b.md", cwd=root, env=env)
        assert code == 0 and {p["status"] for p in report["posts"]} <= {"submitted", "published"}
        code, again = mdwx_json("preview", "posts/b.md", "--phone", "reader2", cwd=root, env=env)
        assert code == 0 and again["media_id"] != shown["media_id"]  # the side draft
        [side] = inbox(sb, "reader2")
        assert side["titles"] == ["c", "a", "b"] and box(sb) == [["c", "a", "b"]]
        code, same = mdwx_json("preview", "posts/c.md", "--phone", "reader2", cwd=root, env=env)
        assert code == 0 and same["media_id"] == again["media_id"] and not same["uploaded"]
        assert count(sb, "draft/add") == 2 and count(sb, "freepublish/submit") == 1


def test_a_front_matter_bundle_is_previewed_as_one_message(tmp_path: Path) -> None:
    root = front_site(tmp_path / "site", ["b", "a", "c"])
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, shown = mdwx_json("preview", "posts/c.md", "--phone", "reader1", cwd=root, env=env)
        assert code == 0, shown
        assert [m["titles"] for m in inbox(sb, "reader1")] == [["b", "a", "c"]]


BAD_TABLES = {
    "missing": ('weekly = ["posts/a.md", "posts/nope.md"]', "posts/nope.md, which is not a file"),
    "two bundles": (
        'weekly = ["posts/a.md"]\nmonthly = ["posts/b.md", "posts/a.md"]',
        "bundles.monthly lists posts/a.md in 'weekly' too",
    ),
    "twice": ('weekly = ["posts/a.md", "posts/a.md"]', "twice in it"),
    "nine": ("weekly = [" + ", ".join(['"posts/a.md"'] * 9) + "]", "lists 9 posts"),
    "outside": ('weekly = ["../elsewhere.md"]', "not a path inside the site"),
    "not an array": ('weekly = "posts/a.md"', "must be an array"),
    "bad name": ('"week ly" = ["posts/a.md"]', "bundle name"),
    "empty": ("weekly = []", "lists no posts"),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_a_bad_table_is_one_line_naming_mdwx_toml_and_its_line(tmp_path: Path, case: str) -> None:
    entry, words = BAD_TABLES[case]
    root = bundle_site(tmp_path / "site")
    for name in "ab":
        member(root, name, bundle=None)
    (root / "mdwx.toml").write_text(f'backend = "draft"\n\n[bundles]\n{entry}\n', "utf-8")
    result = mdwx("check", "posts/", cwd=root)
    assert result.returncode == 2, result.stderr
    line = 5 if case == "two bundles" else 4  # the line of the bundle at fault
    assert f"mdwx.toml:{line}: " in result.stderr.replace("\\", "/") and words in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2


@pytest.mark.parametrize(
    ("front", "words"),
    [("bundle: monthly\n", "bundle: monthly"), ("bundle: weekly\nbundle_index: 1\n", "article 2")],
)
def test_front_matter_contradicting_the_table_is_refused(
    tmp_path: Path, front: str, words: str
) -> None:
    root = table_site(tmp_path / "site", ["a", "b"])
    member(root, "b", bundle=None, extra=front)
    with sandbox() as sb:
        result = mdwx("publish", "posts/a.md", cwd=root, env=sandbox_env(sb, tmp_path))
        assert result.returncode == 2 and words in result.stderr, result.stderr
        assert (
            "mdwx.toml:4" in result.stderr.replace("\\", "/") and "Traceback" not in result.stderr
        )
        assert count(sb, "draft/add") == 0


def test_a_listed_file_that_is_not_a_post_of_the_site_is_refused(tmp_path: Path) -> None:
    root = table_site(tmp_path / "site", ["a"])
    (root / "posts" / "notes.txt").write_text("not a post", "utf-8")
    text = (root / "mdwx.toml").read_text("utf-8").replace('.md"]', '.md", "posts/notes.txt"]')
    (root / "mdwx.toml").write_text(text, "utf-8")
    result = mdwx("check", "posts/a.md", cwd=root)
    assert result.returncode == 2 and "not one of the site's posts" in result.stderr


@pytest.mark.parametrize("value", ["-1", "1000", "first", "1.5", "true"])
def test_a_bad_bundle_index_says_the_same_in_its_message_and_hint(
    tmp_path: Path, value: str
) -> None:
    root = bundle_site(tmp_path / "site")
    member(root, "a", extra=f"bundle_index: {value}\n")
    result = mdwx("check", "posts/a.md", cwd=root)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "from 0 to 999 (the lowest is the 头条)" in result.stderr
    assert "the lowest bundle_index is the 头条" in result.stderr


def test_changed_since_and_the_api_see_the_tables_bundle_whole(tmp_path: Path) -> None:
    from mdwx import api
    from mdwx.wechat.token import MemoryTokenCache
    from tests.git_helpers import commit_all, git, git_env

    root = table_site(tmp_path / "site", ["b", "a", "c"])
    with sandbox() as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        git(root, "init", "-q", "-b", "main", env=env)
        commit_all(root, "the site", env)
        member(root, "a", bundle=None, body="An edit.")
        commit_all(root, "one post edited", env)
        code, report = mdwx_json(
            "publish", "--draft", "--changed-since", "HEAD~1", cwd=root, env=env
        )
        assert code == 0 and box(sb) == [["b", "a", "c"]], report
        options = api.Options(
            credentials=api.Credentials(sb.appid, sb.secret),
            api_base=sb.base_url,
            token_cache=MemoryTokenCache(),
            draft=True,
            dry_run=True,
        )
        text = (root / "posts" / "c.md").read_text("utf-8") + "\nAnother edit.\n"
        done = api.publish([api.Post(text, path=root / "posts" / "c.md")], options)
        steps = {Path(p.path).name: p.steps for p in done.posts}
        assert set(steps) == {"a.md", "b.md", "c.md"}
        assert steps["c.md"] == ["update bundle article 2"], steps


def test_a_table_bundle_the_media_backend_cannot_send_names_the_tables_line(
    tmp_path: Path,
) -> None:
    root = table_site(tmp_path / "site", ["a", "b"])
    text = (root / "mdwx.toml").read_text("utf-8").replace('"draft"', '"media"')
    (root / "mdwx.toml").write_text(text, "utf-8")
    result = mdwx("check", "posts/", cwd=root)
    assert result.returncode != 0 and "of mdwx.toml:4: the media" in result.stderr, result.stderr


def test_the_mkdocs_plugin_sends_the_tables_bundle_as_one_draft(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.factories import write_tree
    from tests.publish_helpers import png_bytes

    pytest.importorskip("mkdocs")
    page = "---\ntitle: {t}\nwechat: true\n---\n\nSome text {t}.\n\n![x](../images/pic.png)\n"
    write_tree(
        tmp_path,
        {
            "docs/images/pic.png": png_bytes(),
            "docs/index.md": "# Home\n",
            "docs/guide/a.md": page.format(t="a"),
            "docs/guide/b.md": page.format(t="b"),
            "mkdocs.yml": "site_name: Bundles\nplugins:\n  - wechat\n",
            "mdwx.toml": 'backend = "draft"\n\n[bundles]\n'
            'weekly = ["docs/guide/b.md", "docs/guide/a.md"]\n',
        },
    )
    with sandbox() as sb:
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=sandbox_env(sb, tmp_path / "home"),
            timeout=300,  # bounds a hang only
        )
        assert done.returncode == 0, done.stderr
        assert box(sb) == [["b", "a"]] and count(sb, "draft/add") == 1
