"""The gate's rules one by one: how a file may arrive, in-memory roots, read once, the state export."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import ArticleError, AssetError, ConfigError, MdwxError
from mdwx.files import reader
from mdwx.source.gate import InMemory, admit
from mdwx.source.site import load_config
from mdwx.wechat import MemoryTokenCache
from tests.hang import HANG_SECONDS
from tests.publish_helpers import png_bytes, sandbox

TEXT = "---\ntitle: Arrived\n---\n\nBody.\n"

# Where a chain of links finally leads, and whether the gate may read what is there.
TARGETS = {
    "inside": True,  # a regular file of the site with one name
    "outside": False,  # a regular file beside the site
    "hard-inside": False,  # a file of the site with a second name (in the site: still refused)
    "hard-outside": False,  # a file of the site whose second name is outside
    "fifo": False,
    "device": False,  # /dev/zero
    "missing": False,
}


def _arrange(base: Path, target: str, hops: list[tuple[str, bool]], name: str) -> tuple[Path, Path]:
    """A site at ``base/site`` and the path ``name`` in ``site/posts`` leading, through
    ``hops`` links (each inside or outside the site, relative or absolute), to ``target``."""
    site, out = base / "site", base / "out"
    (site / "posts").mkdir(parents=True)
    out.mkdir()
    (site / "mdwx.toml").write_text("", "utf-8")
    final = {
        "inside": site / "real" / name,
        "outside": out / name,
        "hard-inside": site / "real" / name,
        "hard-outside": site / "real" / name,
        "fifo": site / "real" / name,
        "device": Path("/dev/zero"),
        "missing": site / "real" / "gone",
    }[target]
    (site / "real").mkdir()
    data = TEXT.encode() if name.endswith(".md") else png_bytes()
    if target in ("inside", "outside", "hard-inside", "hard-outside"):
        final.write_bytes(data)
    if target == "hard-inside":
        os.link(final, site / "real" / f"twin-{name}")
    elif target == "hard-outside":
        os.link(final, out / f"twin-{name}")
    elif target == "fifo":
        os.mkfifo(final)
    here = final
    for index, (outside, relative) in enumerate(reversed(hops)):
        link = (out if outside else site / "real") / f"hop{index}-{name}"
        link.symlink_to(os.path.relpath(here, link.parent) if relative else here)
        here = link
    entry = site / "posts" / name
    if here == final and not hops:
        if target in ("inside", "hard-inside", "hard-outside", "fifo"):
            os.rename(final, entry)  # the file itself, where the post is named
            return site, entry
        entry.symlink_to(final)  # outside, device, missing: reached by one link
        return site, entry
    entry.symlink_to(os.path.relpath(here, entry.parent) if hops[0][1] else here)
    return site, entry


ARRIVALS = dict(
    target=st.sampled_from(sorted(TARGETS)),
    hops=st.lists(st.tuples(st.booleans(), st.booleans()), max_size=3),
)


def _timed(call):  # a FIFO opened for reading would block: fail instead of hanging the suite
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(_outcome(call)), daemon=True)
    thread.start()
    thread.join(timeout=HANG_SECONDS)
    assert result, "the read did not return: a FIFO or device was opened"
    return result[0]


def _outcome(call):
    try:
        return call()
    except MdwxError as exc:
        return exc


@settings(max_examples=60)
@given(**ARRIVALS)
def test_a_post_is_read_iff_it_is_a_confined_regular_file_with_one_name(
    tmp_path_factory, target, hops
) -> None:
    site, entry = _arrange(tmp_path_factory.mktemp("arrive"), target, hops, "p.md")
    readable = TARGETS[target]  # links resolved: only where the chain ends counts
    # In memory with that path: the same verdict, though the text is given.
    held = admit([InMemory("---\ntitle: Held\n---\n", entry)])[0]
    verdict = _timed(held.source_text)
    assert isinstance(verdict, str) == readable, verdict
    if target == "missing":  # a path named that leads nowhere is a usage error (exit 2)
        with pytest.raises(ConfigError, match="no such file"):
            admit([entry])
        return
    post = admit([entry])[0]
    assert post.config.root == Path(os.path.realpath(site))  # the site the path is written in
    got = _timed(post.source_bytes)
    if readable:
        assert got == TEXT.encode()
    else:
        assert isinstance(got, ArticleError), got


@settings(max_examples=60)
@given(**ARRIVALS)
def test_a_picture_is_read_iff_it_is_a_confined_regular_file_with_one_name(
    tmp_path_factory, target, hops
) -> None:
    from mdwx.assets.local import read_source

    site, entry = _arrange(tmp_path_factory.mktemp("arrive"), target, hops, "pic.png")
    readable = TARGETS[target]
    got = _timed(lambda: read_source("pic.png", post_path=site / "posts" / "p.md", site_root=site))
    if readable:
        assert got == png_bytes()
    else:
        assert isinstance(got, AssetError), got


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "too large"])
def test_config_files_are_regular_and_capped(tmp_path: Path, kind: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    config = site / "mdwx.toml"
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "device":
        config.symlink_to("/dev/zero")
    elif kind == "folder":
        config.mkdir()
    else:
        config.write_text("# " + "x" * reader.MAX_CONFIG_BYTES + "\n", "utf-8")
    refused = _timed(lambda: load_config(site / "p.md"))
    assert isinstance(refused, ConfigError), refused
    assert "mdwx.toml" in str(refused)
    assert ("larger than" if kind == "too large" else "not a regular file") in str(refused)


def test_generator_configs_that_are_devices_are_never_read(tmp_path: Path) -> None:
    """``.obsidian/app.json`` → /dev/zero was read whole (a 2.6 GB memory error): now skipped."""
    from mdwx.build import check_post

    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for name in ("app.json", "templates.json"):
        (vault / ".obsidian" / name).symlink_to("/dev/zero")
    (vault / "note.md").write_text("# Note\n\nText ![[pic.png]]\n", "utf-8")
    (vault / "pic.png").write_bytes(png_bytes())
    report = _timed(lambda: check_post(admit([vault / "note.md"])[0]))
    assert report.ok, report.error


@pytest.mark.parametrize("folder", ["/", "home"])
def test_an_in_memory_post_in_a_folder_too_wide_must_name_its_root(
    tmp_path: Path, monkeypatch, folder: str
) -> None:
    home = tmp_path / "home" / "writer"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    path = Path("/x.md") if folder == "/" else home / "x.md"
    with pytest.raises(ConfigError, match="no site folder of its own"):
        api.check(api.Post("# Hello\n\nText.\n", path=path))
    site = tmp_path / "site"
    site.mkdir()
    named = api.check(api.Post("# Hello\n\nText.\n", path="posts/x.md", root=site))
    assert named.ok and named.posts[0].path == site / "posts" / "x.md"


def test_an_in_memory_post_in_a_marked_site_needs_no_root(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "mdwx.toml").write_text("", "utf-8")  # the home folder made a site on purpose
    assert api.check(api.Post("# Hello\n\nText.\n", path=tmp_path / "x.md")).ok


def test_the_post_is_read_once_per_run(tmp_path: Path, monkeypatch) -> None:
    """publish (to the sandbox, and its dry run), check and status read the post's file once each."""
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "mdwx.toml").write_text("", "utf-8")
    post = site / "posts" / "p.md"
    post.write_text("---\ntitle: Once\npublish_at: 2030-01-01T00:00:00Z\n---\n\nBody.\n", "utf-8")
    reads: list[Path] = []
    real = reader.read_file

    def counting(path: Path, **kwargs):
        if Path(path).name == "p.md":
            reads.append(Path(path))
        return real(path, **kwargs)

    monkeypatch.setattr(reader, "read_file", counting)
    with sandbox() as sb:
        options = api.Options(
            credentials=api.Credentials(sb.appid, sb.secret),
            api_base=sb.base_url,
            token_cache=MemoryTokenCache(),
        )
        for call in (
            lambda: api.publish(post, replace(options, dry_run=True)),
            lambda: api.check(post),
            lambda: api.publish(post, options),
            lambda: api.status(post, options),
        ):
            reads.clear()
            call()
            assert len(reads) == 1, reads
        assert [p.status for p in api.status(post, options).posts] != ["not published"]


def test_the_state_export_may_not_leave_the_site_through_a_linked_folder(tmp_path: Path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / "mdwx.toml").write_text('state_file = ".mdwx/state.jsonl"\n', "utf-8")
    (site / ".mdwx").symlink_to(elsewhere, target_is_directory=True)
    config = load_config(site / "p.md")
    with pytest.raises(ConfigError, match="leads outside the site folder"):
        config.state_export_path  # noqa: B018 - the property is the check
    (site / ".mdwx").unlink()
    (site / ".mdwx").mkdir()
    assert load_config(site / "p.md").state_export_path == site / ".mdwx" / "state.jsonl"


@pytest.mark.parametrize("where", ["state", "cover_font"])
def test_state_and_font_files_that_are_fifos_are_never_opened(tmp_path: Path, where: str) -> None:
    """A FIFO as ``.mdwx/state.db`` or as the configured cover font: one line, no hang."""
    site = tmp_path / "site"
    (site / ".mdwx").mkdir(parents=True)
    post = site / "p.md"
    post.write_text("---\ntitle: Fifo\n---\n\nBody.\n", "utf-8")
    if where == "state":
        (site / "mdwx.toml").write_text("", "utf-8")
        os.mkfifo(site / ".mdwx" / "state.db")
        call = lambda: api.status(post)  # noqa: E731
    else:
        (site / "mdwx.toml").write_text('cover_font = "font.ttf"\n', "utf-8")
        os.mkfifo(site / "font.ttf")
        # A dry run with credentials set (it fetches no token): what stops it is the font.
        credentials = api.Credentials(appid="wx0000000000000000", secret="s" * 32)
        call = lambda: api.publish(post, api.Options(dry_run=True, credentials=credentials))  # noqa: E731
    refused = _timed(call)
    assert isinstance(refused, MdwxError) or not refused.ok, refused  # type: ignore[union-attr]
    text = str(refused) if isinstance(refused, MdwxError) else str(refused.posts[0].error)  # type: ignore[union-attr]
    assert "not a regular file (a FIFO)" in text, text


@pytest.mark.parametrize("name", ["mdwx.toml", "pyproject.toml"])
def test_a_site_config_linked_to_a_file_outside_is_refused(tmp_path: Path, name: str) -> None:
    """The site's own config is read only from the site: a link to another file is refused
    before that file is read (its text would otherwise reach the error messages)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.toml").write_text(
        '[tool.mdwx]\nauthor = 5\nsecret = "do not show"\n', "utf-8"
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / name).symlink_to(outside / "secret.toml")
    (site / "p.md").write_text("---\ntitle: T\n---\n\nWords.\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        api.check(site / "p.md")
    assert "outside the site folder" in str(caught.value) and "do not show" not in str(caught.value)
