"""Obsidian vaults as Obsidian opens them: nested vaults, vaults without ``.obsidian/``;
and ``check`` naming the identity ``build`` gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.source.site import find_site_root
from tests.factories import png_bytes, write_tree

BODY = "Some text of the note, long enough to be a post.\n"
segments = st.text(alphabet="abcdefgh", min_size=1, max_size=5)


def _problems(report: api.CheckReport) -> list[str]:
    return [str(d) for post in report.posts for d in post.diagnostics if d.is_error]


@settings(max_examples=12)
@given(
    inner=st.lists(segments, min_size=1, max_size=3),
    below=st.lists(segments, min_size=0, max_size=2),
    attach=st.lists(segments, min_size=0, max_size=2),
    git_above=st.booleans(),
)
def test_a_nested_vault_finds_the_outer_vaults_attachments(
    tmp_path_factory, inner: list[str], below: list[str], attach: list[str], git_above: bool
) -> None:
    """A picture pasted while the outer vault was open lies outside the inner vault: the site
    is the outermost vault (up to a git work tree), so it is found, with or without git."""
    base = tmp_path_factory.mktemp("nest")
    outer = base / "Outer"
    inner_dir = outer.joinpath(*inner)
    note = inner_dir.joinpath(*below, "信道.md")
    picture = outer.joinpath("att", *attach, "Pasted image 1.png")
    write_tree(base, {".git/": ""} if git_above else {})
    write_tree(outer, {".obsidian/": ""})
    write_tree(inner_dir, {".obsidian/": ""})
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(f"{BODY}\n![[Pasted image 1.png]]\n", encoding="utf-8")
    picture.parent.mkdir(parents=True, exist_ok=True)
    picture.write_bytes(png_bytes())
    assert find_site_root(note) == outer.resolve()
    for named in (note, inner_dir, outer):
        report = api.check([named])
        assert _problems(report) == [], named
        assert len(report.posts) == 1


def test_a_vault_is_not_widened_past_a_git_work_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, {".obsidian/": "", "repo/.git/": "", "repo/v/.obsidian/": ""})
    # The vault outside the work tree is not the site: the inner vault is.
    assert find_site_root(tmp_path / "repo" / "v" / "n.md") == (tmp_path / "repo" / "v").resolve()
    write_tree(tmp_path, {"repo2/.git/": "", "repo2/.obsidian/": "", "repo2/v/.obsidian/": ""})
    assert find_site_root(tmp_path / "repo2" / "v" / "n.md") == (tmp_path / "repo2").resolve()


syntax = st.sampled_from(["[[Other note]]", "![[Plain]]", "see [[a note|the note]]"])


@settings(max_examples=8)
@given(link=syntax, git=st.booleans(), depth=st.integers(min_value=1, max_value=2))
def test_a_vault_without_obsidian_folder_is_a_vault_for_every_note(
    tmp_path_factory, link: str, git: bool, depth: int
) -> None:
    """One note in Obsidian's syntax makes the folder a vault: a note without links loses
    its comments, marks and block ids too, and ``../attach/`` pictures are inside the site."""
    vault = tmp_path_factory.mktemp("vault")
    notes = "/".join(["notes"] * depth)
    write_tree(
        vault,
        {
            **({".git/": ""} if git else {}),
            f"{notes}/Linked.md": f"{BODY}\n{link}\n",
            f"{notes}/Other note.md": f"{BODY}\n==hl== %%hidden%% text ^abc123\n\n"
            f"![]({'../' * depth}attach/Pasted image 1.png)\n",
            "attach/Pasted image 1.png": png_bytes(),
        },
    )
    out = tmp_path_factory.mktemp("out")
    report = api.build([vault], api.Options(out_dir=out))
    assert _problems(report) == []
    other = next(p for p in report.posts if Path(p.path).name == "Other note.md")
    html = next(o for o in other.outputs if o.name == "content.html").read_text("utf-8")
    assert "%%" not in html and "hidden" not in html and "^abc123" not in html
    assert "==hl==" not in html and "hl" in html
    codes = {d.code for p in report.posts for d in p.diagnostics}
    assert "obsidian-vault" in codes


@settings(max_examples=10)
@given(
    stems=st.lists(
        st.tuples(st.sampled_from(["basis", "go", "basis-2"]), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_check_names_the_identity_build_gives(
    tmp_path_factory, stems: list[tuple[str, bool]]
) -> None:
    """Posts sharing a slug, some refused after they were read (a missing picture): check
    names each passing post by the folder build writes it to, and build's folders differ."""
    site = tmp_path_factory.mktemp("jek")
    files = {".git/": "", "_config.yml": "title: t\n"}
    for day, (stem, broken) in enumerate(stems, start=1):
        extra = "\n![](missing.png)\n" if broken else ""
        files[f"_posts/2011-11-{day:02d}-{stem}.md"] = f"---\ntitle: T{day}\n---\n\n{BODY}{extra}"
    write_tree(site, files)
    checked = {p.path: p.slug for p in api.check([site]).posts if p.ok}
    built = api.build([site], api.Options(out_dir=tmp_path_factory.mktemp("out")))
    folders = {p.path: p.outputs[0].parent.name for p in built.posts if p.outputs}
    assert checked == {path: folders[path] for path in checked}
    assert checked == {p.path: p.slug for p in built.posts if p.ok}
    assert len(set(folders.values())) == len(folders)
