"""``[mirrors]`` compares URLs as they are fetched: scheme and host in any case, the path
percent-decoded once (CJK names, spaces), a prefix ending at a path segment with or without
its trailing slash, dot segments resolved — and a URL whose ``..`` lead out of a prefix is
refused, never looked up outside the mirror folder nor fetched. Check says what publish does."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from mdwx import api
from mdwx.assets.mirrors import mirrored
from mdwx.errors import AssetError
from mdwx.source.site import load_config
from tests.factories import png_bytes, write_tree

NAMES = ("图片.png", "my logo.png", "logo.png", "a%b.png", "Ünï cødé.png")
_SEGMENT = st.sampled_from(("images", "img 2", "图", "a.b"))
_LINK = MarkdownIt()


def _cased(text: str, upper: list[bool]) -> str:
    return "".join(
        c.upper() if up else c for c, up in zip(text, upper + [False] * len(text), strict=False)
    )


def _encoded(segment: str, encode: bool) -> str:
    """A path segment as a writer may type it: percent-encoded, or raw (spaces encoded,
    as a Markdown link needs); markdown-it then encodes what is left, as a post's link is."""
    return quote(segment) if encode else segment.replace(" ", "%20")


def _site(root: Path, prefix: str) -> Path:
    files: dict[str, str | bytes] = {
        "mdwx.toml": f'author = "me"\n[mirrors]\n"{prefix}" = "static/img"\n',
        "secret.png": png_bytes(),
    }
    files.update({f"static/img/sub/{name}": png_bytes() for name in NAMES})
    return write_tree(root, files)


@settings(max_examples=60)
@given(
    scheme=st.sampled_from(("http", "https")),
    prefix_case=st.lists(st.booleans(), max_size=30),
    url_case=st.lists(st.booleans(), max_size=30),
    prefix_path=st.lists(_SEGMENT, max_size=2),
    slash=st.booleans(),
    name=st.sampled_from(NAMES),
    encode=st.lists(st.booleans(), min_size=4, max_size=4),
    where=st.sampled_from(("under", "sibling", "dotted", "climbs")),
)
def test_the_file_looked_up_is_in_the_mirror_folder_or_the_url_is_refused(
    tmp_path_factory: pytest.TempPathFactory,
    scheme: str,
    prefix_case: list[bool],
    url_case: list[bool],
    prefix_path: list[str],
    slash: bool,
    name: str,
    encode: list[bool],
    where: str,
) -> None:
    origin = f"{scheme}://blog.example.com"
    prefix_text = "/".join([origin, *(quote(s) for s in prefix_path)])
    prefix = _cased(prefix_text, prefix_case) + ("/" if slash or not prefix_path else "")
    site = _site(tmp_path_factory.mktemp("u"), prefix)
    config = load_config(site)
    segments = [_encoded(s, e) for s, e in zip(prefix_path, encode, strict=False)]
    tail = ["sub", _encoded(name, encode[3])]
    if where == "sibling" and segments:
        segments[-1] += "2"
    elif where == "dotted":
        tail = ["x", "..", ".", *tail]
    elif where == "climbs":
        tail = [".."] * (len(segments) + 1) + ["secret.png"]
    url = _LINK.normalizeLink("/".join([_cased(origin, url_case), *segments, *tail]))
    if where == "climbs":  # to /secret.png: out of any prefix but the host's root
        with pytest.raises(AssetError) as refused:
            mirrored(config, url)
        if prefix_path:
            assert "lead out of the [mirrors] prefix" in refused.value.message
        else:
            assert "holds it at static/img/secret.png, which is not" in refused.value.message
        return
    found = mirrored(config, url)
    if where == "sibling" and prefix_path:
        assert found is None
    else:
        assert found == site / "static" / "img" / "sub" / name


@settings(max_examples=20)
@given(name=st.sampled_from(NAMES), encode=st.booleans(), slash=st.booleans())
def test_a_missing_copy_is_named_decoded(
    tmp_path_factory: pytest.TempPathFactory, name: str, encode: bool, slash: bool
) -> None:
    site = _site(tmp_path_factory.mktemp("m"), "https://blog.example.com/images" + "/" * slash)
    url = _LINK.normalizeLink(f"https://blog.example.com/images/gone/{_encoded(name, encode)}")
    with pytest.raises(AssetError) as refused:
        mirrored(load_config(site), url)
    assert f"holds it at static/img/gone/{name}, which is not in the site" in (
        refused.value.message
    )


#: The users' reports: each post's picture, and whether check (and so publish) passes it
#: (``…/images2/…``, which the prefix does not claim, is the property's "sibling" case).
REPORTED = {
    "cjk": ("https://blog.example.com/images/sub/图片.png", True),
    "space": ("https://blog.example.com/images/sub/my%20logo.png", True),
    "encoded": ("https://blog.example.com/images/sub/%E5%9B%BE%E7%89%87.png", True),
    "upper": ("HTTPS://BLOG.Example.COM/images/sub/logo.png", True),
    "climbs": ("https://blog.example.com/images/../../secret.png", False),
}


def test_check_and_publish_agree_on_the_reported_urls(tmp_path: Path) -> None:
    site = _site(tmp_path, "https://blog.example.com/images")
    for stem, (url, _) in REPORTED.items():
        (site / "posts").mkdir(exist_ok=True)
        (site / "posts" / f"{stem}.md").write_text(f"---\ntitle: {stem}\n---\n\n![p]({url})\n")
    fetched: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(200, content=png_bytes(), headers={"content-type": "image/png"})

    checked = {Path(r.path).stem for r in api.check(site).posts if r.error is None}
    options = api.Options(sandbox=True, sandbox_port=0, fetch_transport=httpx.MockTransport(answer))
    published = api.publish(site, options)
    passed = {Path(r.path).stem for r in published.posts if r.error is None}
    assert checked == passed == {stem for stem, (_, ok) in REPORTED.items() if ok}
    assert fetched == []  # a mirrored URL is never fetched, a refused one neither
