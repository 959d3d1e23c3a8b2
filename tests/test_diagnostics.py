"""Every problem of a post at once, as data: one pass finds each key's error, each bad file and
each warning; the human output, ``--json`` and ``--format github`` all print that one list.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.diagnostics import CODES, Diagnostic, Severity
from mdwx.integrations.github import report_annotations
from tests.cli_helpers import mdwx
from tests.publish_helpers import png_bytes

# Each problem: (front matter line or None, body line or None, expected code, severity, a word of its message).
# The front matter lines and body lines are placed in this order, so each has a known file line.
PROBLEMS: dict[str, tuple[str | None, str | None, str, str, str]] = {
    "title": ("title: " + "长" * 70, None, "article", "error", "title is 70 characters"),
    "author": ("author: " + "a" * 20, None, "article", "error", "author is 20 characters"),
    "comments": ("comments: maybe", None, "article", "error", "comments must be one of"),
    "source_url": ("source_url: ftp://example.com/x", None, "article", "error", "source_url must be"),
    "show_cover_pic": ("show_cover_pic: sometimes", None, "article", "error", "show_cover_pic must be"),
    "unknown": ("titel: x", None, "unknown-key", "warning", "unknown front matter key 'titel'"),
    "missing": (None, "![gone](missing.png)", "asset", "error", "missing.png"),
    "broken": (None, "![broken](broken.png)", "asset", "error", "broken.png"),
    "relative": (None, "[a link](other.md)", "relative-link", "warning", "relative link"),
}


def _write(site: Path, chosen: list[str]) -> tuple[Path, dict[str, int]]:
    """A post with the ``chosen`` problems; returns it and each problem's file line."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    (site / "broken.png").write_bytes(b"not a picture at all")
    (site / "cover.png").write_bytes(png_bytes())
    lines = ["---", "cover: cover.png"]
    where: dict[str, int] = {}
    for name in chosen:
        front = PROBLEMS[name][0]
        if front is not None:
            lines.append(front)
            where[name] = len(lines)
    lines += ["---", "", "Some text."]
    for name in chosen:
        body = PROBLEMS[name][1]
        if body is not None:
            lines += ["", body]
            where[name] = len(lines)
    post = site / "post.md"
    post.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return post, where


def _expected(chosen: list[str], where: dict[str, int]) -> set[tuple[str, str, int]]:
    return {(PROBLEMS[name][2], PROBLEMS[name][3], where[name]) for name in chosen}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(sorted(PROBLEMS)), unique=True, min_size=1))
def test_one_check_finds_every_problem_at_its_line(tmp_path_factory: object, chosen: list[str]) -> None:
    site = tmp_path_factory.mktemp("site")  # type: ignore[attr-defined]
    post, where = _write(site, chosen)
    report = api.check(post).posts[0]
    found = {(d.code, d.severity.value, d.line) for d in report.diagnostics}
    assert found == _expected(chosen, where)
    for name in chosen:  # each message says what is wrong
        assert any(PROBLEMS[name][4] in d.message for d in report.diagnostics if d.line == where[name])
    errors = [name for name in chosen if PROBLEMS[name][3] == "error"]
    assert report.ok == (not errors)
    if errors:  # the first error is the report's error, as the old single-error output said
        assert report.error is not None and report.diagnostics[0].message == report.error.message
    assert all(d.path == str(post) for d in report.diagnostics)


def test_eight_problems_in_one_run_in_every_output_format(tmp_path: Path) -> None:
    chosen = ["title", "author", "comments", "source_url", "unknown", "missing", "broken", "relative"]
    post, where = _write(tmp_path / "site", chosen)
    expected = _expected(chosen, where)
    assert len(expected) == 8
    env = dict(os.environ, GITHUB_WORKSPACE=str(post.parent))

    human = mdwx("check", str(post), cwd=post.parent, env=env)
    assert human.returncode == 1
    said = {(m.group(1), int(m.group(2))) for m in re.finditer(r"^(✗|warning:) \S*post\.md:(\d+):", human.stderr, re.M)}
    assert said == {("✗" if severity == "error" else "warning:", line) for _, severity, line in expected}

    as_json = mdwx("check", str(post), "--json", cwd=post.parent, env=env)
    document = json.loads(as_json.stdout)["posts"][0]
    assert {(d["code"], d["severity"], d["line"]) for d in document["diagnostics"]} == expected
    assert document["error"]["message"].startswith(f"{post}:{where['title']}: title is 70")
    assert len(document["warnings"]) == 2  # the old keys say the same

    github = mdwx("check", str(post), "--format", "github", cwd=post.parent, env=env)
    annotations = re.findall(r"^::(error|warning) file=post\.md,line=(\d+),title=mdwx check \(([a-z-]+)\)::",
                             github.stdout, re.M)
    assert {(code, level, int(line)) for level, line, code in annotations} == expected


def test_a_post_that_cannot_be_read_says_so_once(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    report = api.check(post).posts[0]
    assert [(d.code, d.severity) for d in report.diagnostics] == [("article", Severity.ERROR)]


def test_publish_refuses_with_every_error_and_sends_nothing(tmp_path: Path) -> None:
    post, where = _write(tmp_path / "site", ["title", "missing", "unknown"])
    result = mdwx("publish", str(post), "--sandbox", "--json", cwd=post.parent)
    assert result.returncode == 1
    document = json.loads(result.stdout)["posts"][0]
    found = {(d["code"], d["severity"], d["line"]) for d in document["diagnostics"]}
    assert found == _expected(["title", "missing", "unknown"], where)
    assert document["error"]["message"] == json.loads(mdwx("check", str(post), "--json").stdout)["posts"][0]["error"]["message"]
    assert document["uploads"] == {"images": 0, "cached": 0, "videos": 0}


def test_every_code_used_in_the_source_is_registered() -> None:
    """Every ``code="…"`` a warning is given and every error class's code is in CODES."""
    import importlib
    import pkgutil

    import mdwx
    from mdwx.errors import MdwxError

    source = Path(mdwx.__file__).parent
    used = set()
    for path in source.rglob("*.py"):
        used |= set(re.findall(r'\bcode="([a-z][a-z_-]*)"', path.read_text("utf-8")))
    for module in pkgutil.walk_packages([str(source)], "mdwx."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    classes, seen = [MdwxError], []
    while classes:
        cls = classes.pop()
        seen.append(cls)
        classes += cls.__subclasses__()
    used |= {cls.code for cls in seen}
    assert len(used) > 20 and used <= set(CODES), sorted(used - set(CODES))


def test_annotations_come_from_the_diagnostics_not_their_text(tmp_path: Path) -> None:
    weird = tmp_path / "we:ird, dir" / "p: 1.md"
    report = api.PostReport(weird, diagnostics=[Diagnostic("m", str(weird), 3, code="relative-link")])
    (line,) = report_annotations([report])
    assert line.startswith("::warning file=") and ",line=3," in line
