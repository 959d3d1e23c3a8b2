"""Every line about a 多图文 bundle names the post it is about, and every command says alike
that a bundle's digests are dropped (check, build, publish --dry-run, publish)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.publish.bundling import BundleError
from tests.bundle_helpers import bundle_site, member
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env
from tests.factories import sandbox


def _site(root: Path, size: int, bad: int | None) -> list[Path]:
    """A bundle 'big' of ``size`` posts p01…; post ``bad`` (0-based) has a missing image."""
    bundle_site(root)
    return [
        member(
            root,
            f"p{i + 1:02}",
            bundle="big",
            body="![gone](missing.png)" if i == bad else "Some text.",
        )
        for i in range(size)
    ]


def sandbox_env_free(home: Path) -> dict[str, str]:
    """The environment without WeChat or mdwx settings, caches inside ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
    return {**env, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache")}


def _same(a: str | Path | None, b: str | Path) -> bool:
    return a is not None and Path(a).resolve() == Path(b).resolve()


@settings(max_examples=8)
@given(
    size=st.integers(min_value=2, max_value=10),
    bad=st.one_of(st.none(), st.integers(min_value=0, max_value=9)),
)
def test_every_bundle_refusal_names_the_post_it_is_about(size: int, bad: int | None) -> None:
    bad = None if bad is None else bad % size
    with tempfile.TemporaryDirectory() as tmp:
        posts = _site(Path(tmp) / "site", size, bad)
        reports = api.check(posts).posts
    refused = size > 8 or bad is not None
    # Over 8 posts left: the bundle's first post in message order holds the size refusal.
    over = size - (bad is not None) > 8
    holder = next(i for i in range(size) if i != bad) if over else None
    culprit = f"posts/p{(holder if holder is not None else bad or 0) + 1:02}.md"
    assert [r.ok for r in reports] == [not refused] * size
    for index, report in enumerate(reports):
        if report.ok:
            continue
        errors = [d for d in report.diagnostics if d.is_error]
        assert errors and all(_same(d.path, report.path) for d in errors), errors
        assert _same(report.error.path if report.error else None, report.path)
        if index == bad:
            assert not isinstance(report.error, BundleError)  # its own fault, first
        elif index == holder:
            assert report.error is not None and report.error.message.startswith("bundle 'big' has")
        else:  # a sibling says its bundle is refused, and which post is why
            assert report.error is not None
            assert report.error.message.startswith("its bundle 'big' is refused because")
            assert culprit in report.error.message, report.error.message


def test_a_bundle_of_nine_is_one_line_per_post_in_check_output(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    for i in range(9):
        member(root, f"p{i + 1}", bundle="big")
    result = mdwx("check", ".", cwd=root)
    assert result.returncode != 0
    lines = [
        line for line in result.stderr.splitlines() + result.stdout.splitlines() if "✗" in line
    ]
    named = [Path(line.split(" ", 2)[1].split(":")[0]).name for line in lines]  # ✗ PATH:LINE: …
    assert sorted(named) == [f"p{i + 1}.md" for i in range(9)], lines


def test_check_build_and_publish_say_the_digest_is_dropped_alike(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    lead = member(root, "a", index=1, extra="digest: A summary of mine\n")
    member(root, "b", index=2)

    def dropped(diagnostics: list[dict[str, object]]) -> list[tuple[object, object]]:
        return [(d["path"], d["line"]) for d in diagnostics if d["code"] == "bundle-digest-dropped"]

    env = sandbox_env_free(tmp_path)
    said = []
    for command in (("check", "posts/"), ("build", "posts/", "--out", str(tmp_path / "out"))):
        code, report = mdwx_json(*command, cwd=root, env=env)
        assert code == 0, report
        said.append(dropped(report["posts"][0]["diagnostics"]))
        assert dropped(report["posts"][1]["diagnostics"]) == []
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        for extra in (("--dry-run",), ()):
            code, report = mdwx_json("publish", "--draft", *extra, "posts/", cwd=root, env=env)
            assert code == 0, report
            said.append(dropped(report["posts"][0]["diagnostics"]))
    # One warning, at the post's digest line, under the same (absolute) path everywhere.
    assert len({tuple(s) for s in said}) == 1 and len(said[0]) == 1, said
    path, line = said[0][0]
    assert Path(str(path)).is_absolute() and _same(str(path), lead) and isinstance(line, int)
