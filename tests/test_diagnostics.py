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
    "source_url": (
        "source_url: ftp://example.com/x",
        None,
        "article",
        "error",
        "source_url must be",
    ),
    "show_cover_pic": (
        "show_cover_pic: sometimes",
        None,
        "article",
        "error",
        "show_cover_pic must be",
    ),
    "unknown": ("titel: x", None, "unknown-key", "warning", "unknown front matter key 'titel'"),
    "missing": (None, "![gone](missing.png)", "asset", "error", "missing.png"),
    "broken": (None, "![broken](broken.png)", "asset", "error", "broken.png"),
    "relative": (None, "[a link](other.md)", "relative-link", "warning", "relative link"),
    "card": (
        None,
        "```miniprogram\nappid: wx12\npath: pages/a\ntitle: T\nimage: cover.png\n```",
        "render",
        "error",
        "mini-program appid 'wx12' is not valid",
    ),
}
AT_LINE = {"card": 1}  # the problem's line in its block: the card's appid


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
            lines.append("")
            where[name] = len(lines) + 1 + AT_LINE.get(name, 0)
            lines += body.split("\n")
    post = site / "post.md"
    post.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return post, where


def _expected(chosen: list[str], where: dict[str, int]) -> set[tuple[str, str, int]]:
    return {(PROBLEMS[name][2], PROBLEMS[name][3], where[name]) for name in chosen}


@settings(max_examples=25)
@given(st.lists(st.sampled_from(sorted(PROBLEMS)), unique=True, min_size=1))
def test_one_check_finds_every_problem_at_its_line(
    tmp_path_factory: object, chosen: list[str]
) -> None:
    site = tmp_path_factory.mktemp("site")  # type: ignore[attr-defined]
    post, where = _write(site, chosen)
    report = api.check(post).posts[0]
    found = {(d.code, d.severity.value, d.line) for d in report.diagnostics}
    assert found == _expected(chosen, where)
    for name in chosen:  # each message says what is wrong
        assert any(
            PROBLEMS[name][4] in d.message for d in report.diagnostics if d.line == where[name]
        )
    errors = [name for name in chosen if PROBLEMS[name][3] == "error"]
    assert report.ok == (not errors)
    if (
        errors
    ):  # the first error in the file is the report's error, as the old single-error output said
        assert report.error is not None and report.diagnostics[0].message == report.error.message
        lines = [d.line or 0 for d in report.diagnostics if d.is_error]
        assert lines == sorted(lines) and report.error.line == min(where[name] for name in errors)
    assert all(d.path == str(post) for d in report.diagnostics)


def test_eight_problems_in_one_run_in_every_output_format(tmp_path: Path) -> None:
    chosen = [
        "title",
        "author",
        "comments",
        "source_url",
        "unknown",
        "missing",
        "broken",
        "relative",
    ]
    post, where = _write(tmp_path / "site", chosen)
    expected = _expected(chosen, where)
    assert len(expected) == 8
    env = dict(os.environ, GITHUB_WORKSPACE=str(post.parent))

    human = mdwx("check", str(post), cwd=post.parent, env=env)
    assert human.returncode == 1
    said = {
        (m.group(1), int(m.group(2)))
        for m in re.finditer(r"^(✗|warning:) \S*post\.md:(\d+):", human.stderr, re.M)
    }
    assert said == {
        ("✗" if severity == "error" else "warning:", line) for _, severity, line in expected
    }

    as_json = mdwx("check", str(post), "--json", cwd=post.parent, env=env)
    document = json.loads(as_json.stdout)["posts"][0]
    assert {(d["code"], d["severity"], d["line"]) for d in document["diagnostics"]} == expected
    assert document["error"]["message"].startswith(f"{post}:{where['title']}: title is 70")
    assert len(document["warnings"]) == 2  # the old keys say the same

    github = mdwx("check", str(post), "--format", "github", cwd=post.parent, env=env)
    annotations = re.findall(
        r"^::(error|warning) file=post\.md,line=(\d+),title=mdwx check \(([a-z-]+)\)::",
        github.stdout,
        re.M,
    )
    assert {(code, level, int(line)) for level, line, code in annotations} == expected


def test_a_post_that_cannot_be_read_says_so_once_at_its_column(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: ok\nauthor: a: b\n---\nbody\n", encoding="utf-8")
    report = api.check(post).posts[0]
    assert [(d.code, d.severity, d.line, d.column) for d in report.diagnostics] == [
        ("article", Severity.ERROR, 3, 10)
    ]
    assert str(report.diagnostics[0]).startswith(f"{post}:3:10: invalid YAML front matter")


def test_publish_refuses_with_every_error_and_sends_nothing(tmp_path: Path) -> None:
    post, where = _write(tmp_path / "site", ["title", "missing", "unknown"])
    result = mdwx("publish", str(post), "--sandbox", "--json", cwd=post.parent)
    assert result.returncode == 1
    document = json.loads(result.stdout)["posts"][0]
    found = {(d["code"], d["severity"], d["line"]) for d in document["diagnostics"]}
    assert found == _expected(["title", "missing", "unknown"], where)
    assert (
        document["error"]["message"]
        == json.loads(mdwx("check", str(post), "--json").stdout)["posts"][0]["error"]["message"]
    )
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
    report = api.PostReport(
        weird, diagnostics=[Diagnostic("m", str(weird), 3, code="relative-link")]
    )
    (line,) = report_annotations([report])
    assert line.startswith("::warning file=") and ",line=3," in line


def _unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def _properties(command: str) -> tuple[str, dict[str, str], str]:
    """GitHub's own reading of ``::level k=v,k=v::message`` (actions/runner ActionCommand)."""
    assert command.startswith("::") and "\n" not in command and "\r" not in command
    head, _, message = command[2:].partition("::")
    level, _, props = head.partition(" ")
    pairs = dict(pair.split("=", 1) for pair in props.split(",")) if props else {}
    return level, {k: _unescape(v) for k, v in pairs.items()}, _unescape(message)


_NAME = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
    min_size=1,
    max_size=10,
)


@settings(max_examples=40)
@given(
    folder=_NAME.filter(lambda s: s not in (".", "..")),
    stem=_NAME.filter(lambda s: not s.startswith((".", "_"))),
    extra=st.sampled_from(["we:ird", "a, b", "::x", "%41", "空 格"]),
)
def test_github_annotations_name_any_file(
    tmp_path_factory: object, folder: str, stem: str, extra: str
) -> None:
    from unittest import mock

    site = tmp_path_factory.mktemp("site")  # type: ignore[attr-defined]
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    post = site / f"{folder}{extra}" / f"{stem}.md"
    post.parent.mkdir()
    post.write_text(
        "---\ntitle: T\ncolor: red\n---\n\nText with [a link](other.md).\n\n![x](gone.png)\n",
        encoding="utf-8",
    )
    with mock.patch.dict(os.environ, {"GITHUB_WORKSPACE": str(site)}):
        lines = report_annotations(api.check(post).posts)
    found = {
        (level, props["file"], int(props["line"]), props["title"])
        for level, props, _ in map(_properties, lines)
    }
    name = f"{folder}{extra}/{stem}.md"
    assert found == {
        ("warning", name, 3, "mdwx check (unknown-key)"),
        ("warning", name, 6, "mdwx check (relative-link)"),
        ("error", name, 8, "mdwx check (asset)"),
    }


def test_warnings_ignore_silences_a_kind_and_a_typo_is_an_error(tmp_path: Path) -> None:
    post, where = _write(tmp_path / "site", ["unknown", "relative", "missing"])
    config = post.parent / "mdwx.toml"
    config.write_text(
        'theme = "default"\n\n[warnings]\nignore = ["relative-link"]\n', encoding="utf-8"
    )
    report = api.check(post).posts[0]
    assert {d.code for d in report.diagnostics} == {
        "unknown-key",
        "asset",
    }  # errors are never silenced
    config.write_text(
        '[warnings]\nignore = ["relative-link", "unknown-key", "asset"]\n', encoding="utf-8"
    )
    assert {d.code for d in api.check(post).posts[0].diagnostics} == {"asset"}
    config.write_text(
        'theme = "default"\n\n[warnings]\nignore = ["relative-links"]\n', encoding="utf-8"
    )
    result = mdwx("check", str(post), cwd=post.parent)
    assert result.returncode == 2
    assert (
        f"{config}:4: [warnings] ignore: unknown warning code 'relative-links' (did you mean 'relative-link'?)"
        in result.stderr
        and "Traceback" not in result.stderr
    )


def test_advice_repeated_over_posts_is_said_once_per_run(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    for index in range(3):
        (site / f"p{index}.md").write_text(
            f"# Post {index}\n\nText [x](other.md).\n", encoding="utf-8"
        )
    human = mdwx("check", ".", cwd=site)
    assert human.returncode == 0
    assert human.stderr.count("no cover image") == 1
    assert (
        "warning: 3 posts have no cover image: publish will make them from their titles"
        in human.stderr
    )
    assert (
        human.stderr.count("relative link") == 3
    )  # advice about each post's own text stays per post
    document = json.loads(mdwx("check", ".", "--json", cwd=site).stdout)
    assert [[d["code"] for d in p["diagnostics"]].count("no-cover") for p in document["posts"]] == [
        1,
        1,
        1,
    ]
    github = mdwx(
        "check",
        ".",
        "--format",
        "github",
        cwd=site,
        env=dict(os.environ, GITHUB_WORKSPACE=str(site)),
    )
    assert (
        github.stdout.count("no cover image") == 1
        and "::notice title=mdwx check (no-cover)::3 posts" in github.stdout
    )
    (site / "p1.md").unlink()
    (site / "p2.md").unlink()
    alone = mdwx("check", ".", cwd=site)
    assert f"warning: {site / 'p0.md'}: no cover image: publish will make one" in alone.stderr


def test_every_code_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "diagnostics.md").read_text("utf-8")
    assert [code for code in CODES if f"| `{code}` |" not in doc] == []


def test_plugin_logs_are_printed_from_the_diagnostics(tmp_path: Path) -> None:
    from mdwx.integrations.common import run

    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    good = [
        api.Post(f"# Page {n}\n\nText [x](other.md).\n", path=tmp_path / f"p{n}.md")
        for n in range(2)
    ]
    bad_text = "---\ntitle: " + "x" * 70 + "\ncomments: maybe\n---\n\n![gone](gone.png)\n"
    outcome = run(
        [*good, api.Post(bad_text, path=tmp_path / "bad.md")],
        build_only=True,
        out_dir=tmp_path / "out",
        submit=False,
    )
    assert outcome.failures == [
        f"{tmp_path / 'bad.md'}:2: title is 70 characters, 6 over the limit of 64 (shorten the title)",
        f"{tmp_path / 'bad.md'}:3: comments must be one of open, fans, closed, not 'maybe'",
        f"{tmp_path / 'bad.md'}:6: image not found: gone.png (looked for {tmp_path / 'gone.png'})",
    ]
    assert sum("relative link" in line for line in outcome.warnings) == 2
    assert [line for line in outcome.warnings if "cover" in line] == [
        "2 posts have no cover image: publish will make them from their titles "
        "(set 'cover:' or default_cover in mdwx.toml to choose one)"
    ]


def test_what_publishing_changed_in_a_picture_is_a_warning_at_its_line(tmp_path: Path) -> None:
    from tests.test_imaging import animated_gif

    site = tmp_path / "site"
    site.mkdir()
    gif = animated_gif(4, size=(200, 150))
    (site / "mdwx.toml").write_text(f"[images]\ngif_max_bytes = {len(gif) - 1}\n", encoding="utf-8")
    (site / "cover.png").write_bytes(png_bytes())
    (site / "dance.gif").write_bytes(gif)
    post = site / "post.md"
    post.write_text(
        "---\ntitle: T\ncover: cover.png\n---\n\nText.\n\n![dance](dance.gif)\n", encoding="utf-8"
    )
    result = mdwx("publish", str(post), "--sandbox", "--json", "--draft", cwd=site)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)["posts"][0]
    adjusted = [d for d in document["diagnostics"] if d["code"] == "picture-adjusted"]
    assert [(d["severity"], d["line"], d["path"]) for d in adjusted] == [("warning", 8, str(post))]
    assert "dance.gif: " in adjusted[0]["message"] and "first frame" in adjusted[0]["message"]
    assert document["warnings"] == [f"{post}:8: {adjusted[0]['message']}"]
