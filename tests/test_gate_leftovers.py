"""Three kinds of error, each said in one line at its place.

- A theme ``@import`` chain: a loop says the theme "extends itself", a chain longer than
  the cap says so ("theme chain is longer than 8"), each at the ``@import`` line that
  crossed it; a local base outside the site is refused there too.
- A theme named by a path or a name that cannot be loaded names ``file:line`` whether the
  site's ``mdwx.toml`` or a post's front matter named it.
- ``mdwx state import``: an export line whose ``source_path`` is no path inside the site
  (absolute, ``..``, control characters, too long) is refused naming the export and line,
  and nothing of the export is stored.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import ConfigError, StateError
from mdwx.publish.state.export import export_text, import_file, render
from mdwx.publish.state.export_schema import MAX_PATH
from mdwx.render.themes import MAX_DEPTH
from tests.cli_helpers import mdwx, write_post


def theme_chain(root: Path, length: int, loop_to: int | None, padding: list[int]) -> list[int]:
    """Themes t0 … t{length-1}, each importing the next after ``padding[i]`` comment lines;
    the last imports ``t{loop_to}`` (a loop) or nothing. The line of each theme's import."""
    lines = []
    for index in range(length):
        target = index + 1 if index + 1 < length else loop_to
        head = "/* a comment */\n" * padding[index]
        body = f'@import "t{target}.css";\n' if target is not None else ""
        (root / f"t{index}.css").write_text(
            f"{head}{body}.x {{ color: #123456; }}\n", encoding="utf-8"
        )
        lines.append(padding[index] + 1)
    return lines


@settings(max_examples=25)
@given(
    length=st.integers(1, MAX_DEPTH + 4),
    loop=st.data(),
    padding=st.lists(st.integers(0, 2), min_size=13, max_size=13),
)
def test_a_theme_chain_names_a_loop_or_its_length_at_the_import_line(
    length: int, loop: st.DataObject, padding: list[int]
) -> None:
    loop_to = loop.draw(st.none() | st.integers(0, length - 1))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "mdwx.toml").write_text("", encoding="utf-8")
        lines = theme_chain(root, length, loop_to, padding)
        post = write_post(root / "p.md", extra="theme: t0.css\n")
        # Theme i is loaded with i themes before it; the one loaded with MAX_DEPTH before
        # it is over the cap, unless it closes a loop first.
        if loop_to is not None and length <= MAX_DEPTH:
            where, words = length - 1, f"theme t{loop_to}.css extends itself through t0.css"
        elif length > MAX_DEPTH:
            where, words = MAX_DEPTH - 1, f"theme chain is longer than {MAX_DEPTH}: t0.css → t1.css"
        else:
            assert api.check(post).ok
            return
        # The post named the theme: the chain's fault is the post's, at its theme: line,
        # naming the file and line of the import at fault (the site's theme stops the run).
        error = api.check(post).posts[0].error
        assert error is not None and error.path == str(post)
        message = str(error)
        assert f"theme 't0.css' (t{where}.css:{lines[where]}): {words}" in message, message
        assert "\n" not in message and ("extends itself" in message) == (
            words.endswith("through t0.css")
        )


def test_a_local_base_theme_outside_the_site_is_refused_at_its_import(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "outside.css").write_text(".x { color: red; }\n", encoding="utf-8")
    (site / "mine.css").write_text('/* mine */\n@import "../outside.css";\n', encoding="utf-8")
    (site / "mdwx.toml").write_text('theme = "mine.css"\n', encoding="utf-8")
    post = write_post(site / "p.md")
    run = mdwx("check", str(post), cwd=site)
    assert (
        run.returncode == 2
        and f"{site / 'mine.css'}:2: base theme '../outside.css' is outside the site" in run.stderr
    ), run.stderr


THEMES = {
    "missing.css": "theme file 'missing.css' not found",
    "nosuch": "unknown theme 'nosuch'",
    "../outside.css": "is outside the site",
    "sub/": "not found",
    "a/b/c.css": "not found",
}


@settings(max_examples=30)
@given(value=st.sampled_from(sorted(THEMES)), in_config=st.booleans(), before=st.integers(0, 3))
def test_a_theme_that_cannot_be_loaded_names_the_file_and_line_that_chose_it(
    value: str, in_config: bool, before: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        (site / "sub").mkdir(parents=True)
        (Path(folder) / "outside.css").write_text(".x { color: red; }\n", encoding="utf-8")
        padding = "# a comment\n" * before
        config = site / "mdwx.toml"
        config.write_text(padding + (f'theme = "{value}"\n' if in_config else ""), encoding="utf-8")
        extra = "" if in_config else f"{padding.replace('#', 'x:')}theme: {value}\n"
        post = write_post(site / "p.md", extra=extra)
        if in_config:
            with pytest.raises(ConfigError) as raised:
                api.check(post)
            message = str(raised.value)
            assert message.startswith(f"{config}:{before + 1}: "), message
        else:
            error = api.check(post).posts[0].error
            assert error is not None
            message = str(error)
            assert message.startswith(f"{post}:{before + 3}: "), message
        assert THEMES[value] in message and "\n" not in message


def good_record(source_path: str) -> dict[str, object]:
    return {
        "type": "article",
        "appid": "wx1",
        "backend": "media",
        "source_path": source_path,
        "content_hash": "",
        "status": "draft",
        "title": "T",
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
    }


part = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="/"),
    min_size=1,
    max_size=12,
).filter(lambda p: p not in (".", ".."))
good_paths = (
    st.lists(part, min_size=1, max_size=4)
    .map("/".join)
    .filter(lambda p: len(p) <= MAX_PATH and not (len(p) > 1 and p[1] == ":"))
)


@st.composite
def bad_paths(draw: st.DrawFn) -> tuple[str, str]:
    """(a path no post in the site has, what the error says of it)."""
    good = draw(good_paths)
    kind = draw(st.sampled_from(["absolute", "drive", "up", "dot", "empty", "control", "long"]))
    if kind == "absolute":
        return "/" + good, "not the absolute"
    if kind == "drive":
        return "C:/" + good, "not the absolute"
    if kind == "control":
        at = draw(st.integers(0, len(good)))
        char = draw(st.sampled_from(["\x00", "\n", "\x1b", "\x7f", "\x85", "\t"]))
        return good[:at] + char + good[at:], "holds a control character"
    if kind == "long":
        return (good + "/") * (MAX_PATH // (len(good) + 1) + 1) + good, f"longer than {MAX_PATH}"
    parts = good.split("/")
    at = draw(st.integers(kind == "empty", len(parts)))  # an empty first part makes it absolute
    parts.insert(at, {"up": "..", "dot": ".", "empty": ""}[kind])
    return "/".join(parts), "no '..', '.' or empty part"


@settings(max_examples=40)
@given(
    before=st.lists(good_paths, max_size=3), bad=bad_paths(), after=st.lists(good_paths, max_size=2)
)
def test_an_export_line_whose_source_path_leaves_the_site_is_refused_at_its_line(
    before: list[str], bad: tuple[str, str], after: list[str]
) -> None:
    path, words = bad
    with tempfile.TemporaryDirectory() as folder:
        db, source = Path(folder) / "s.db", Path(folder) / "x.jsonl"
        lines = [json.dumps(good_record(p)) for p in before]
        lines += [json.dumps(good_record(path)), *(json.dumps(good_record(p)) for p in after)]
        source.write_text(
            '{"format":"mdwx-state","version":1}\n' + "\n".join(lines) + "\n", "utf-8"
        )
        with pytest.raises(StateError) as raised:
            import_file(db, source)
        message = str(raised.value)
        assert message.startswith(f"{source}:{len(before) + 2}: article record: source_path "), (
            message
        )
        assert words in message and "\n" not in message.replace("\\n", "")
        assert not db.exists() or "posts" not in export_text(db)


@settings(max_examples=12)
@given(paths=st.lists(good_paths, min_size=1, max_size=4, unique=True))
def test_every_relative_path_inside_the_site_is_imported(paths: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db, source = Path(folder) / "s.db", Path(folder) / "x.jsonl"
        source.write_text(render([good_record(p) for p in paths]), "utf-8")
        import_file(db, source)
        assert sorted(
            json.loads(line)["source_path"] for line in export_text(db).splitlines()[1:]
        ) == sorted(paths)


def test_state_import_of_a_path_outside_the_site_is_one_line_naming_the_export(
    tmp_path: Path,
) -> None:
    (tmp_path / "x.jsonl").write_text(render([good_record("../../etc/passwd")]), "utf-8")
    run = mdwx("state", "import", "x.jsonl", "s.db", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert (
        "x.jsonl:2: article record: source_path must be a path inside the site (no '..', '.' or empty part), "
        "not '../../etc/passwd'"
    ) in run.stderr, run.stderr


CONSULTED = ["mkdocs.yml", "pelicanconf.py", "hugo.toml", "config.yaml"]


@pytest.mark.parametrize("kind", ["fifo", "device", "oversize", "outside"])
def test_a_generators_config_that_is_no_small_regular_file_in_the_site_is_skipped(
    tmp_path: Path, kind: str
) -> None:
    """``mkdocs.yml``, ``pelicanconf.py`` and Hugo's config were read whole (then sliced), so
    one linked to ``/dev/zero`` exhausted memory and a FIFO hung; they go through the capped
    reader now and are skipped when refused, as when missing."""
    import os
    import threading

    from mdwx.source.generators import hugo, mkdocs, pelican
    from mdwx.source.math_setting import _text

    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "outside.yml").write_text(
        "docs_dir: elsewhere\nstaticDir: elsewhere\n", encoding="utf-8"
    )
    for name in CONSULTED:
        target = site / name
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "device":
            target.symlink_to("/dev/zero")
        elif kind == "oversize":
            target.write_text("# " + "x" * 2_100_000 + "\ndocs_dir: elsewhere\n", encoding="utf-8")
        else:
            target.symlink_to(tmp_path / "outside.yml")
    found: list[object] = []

    def consult() -> None:
        for cache in (mkdocs.docs_dir, hugo.static_roots, pelican._settings):
            cache.cache_clear()
        found.extend(
            [
                mkdocs.docs_dir(site),
                hugo.static_roots(site),
                pelican._settings(site)[0],
                _text(site / "mkdocs.yml"),
            ]
        )

    worker = threading.Thread(target=consult, daemon=True)
    worker.start()
    worker.join(60)  # bounds a hang only
    assert not worker.is_alive(), "reading a generator's config hung"
    outside = (
        kind == "outside"
    )  # a link out of the site is read by the capped reader's rules: refused
    assert (
        found == [site / "docs", (site / "static",), site, ""]
        or outside
        and found[0] == site / "docs"
    )
