"""Reading asset bytes: confined local paths, data: URIs, metadata cuts, formulas."""

from __future__ import annotations

import asyncio
import base64
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from mdwx.assets.datauri import decode_data_uri
from mdwx.assets.formula import looks_like_svg, rasterize_svg, render_formula
from mdwx.assets.local import resolve_local
from mdwx.assets.metadata import strip_gif, strip_jpeg, strip_png
from mdwx.config import SiteConfig
from mdwx.errors import AssetError
from mdwx.publish.resolve import AssetLoader
from tests.factories import image_bytes, png_bytes


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "posts" / "img").mkdir(parents=True)
    (root / "static").mkdir()
    (root / "posts" / "post.md").write_text("# hi\n")
    (root / "posts" / "img" / "my photo.png").write_bytes(b"png-bytes")
    (root / "static" / "logo.png").write_bytes(b"logo-bytes")
    (tmp_path / "secret.txt").write_text("private")
    return root


def resolve(site: Path, source: str) -> Path:
    return resolve_local(source, post_path=site / "posts" / "post.md", site_root=site)


def test_relative_rooted_and_percent_encoded_paths(site: Path) -> None:
    assert resolve(site, "img/my%20photo.png").read_bytes() == b"png-bytes"
    assert resolve(site, "./img/my photo.png").name == "my photo.png"
    assert resolve(site, "/static/logo.png").read_bytes() == b"logo-bytes"
    assert resolve(site, "../static/logo.png").read_bytes() == b"logo-bytes"


def test_paths_escaping_the_site_are_refused(site: Path) -> None:
    with pytest.raises(AssetError, match="outside the site folder"):
        resolve(site, "../../secret.txt")
    with pytest.raises(AssetError, match="outside the site folder"):
        resolve(site, "/../secret.txt")
    with pytest.raises(AssetError, match="outside the site folder"):
        resolve(site, "%2e%2e/%2e%2e/secret.txt")


def test_symlink_escaping_the_site_is_refused(site: Path) -> None:
    os.symlink(site.parent / "secret.txt", site / "posts" / "img" / "innocent.png")
    with pytest.raises(AssetError, match="symbolic link leading outside") as caught:
        resolve(site, "img/innocent.png")
    assert caught.value.path == str(site / "posts" / "post.md")


def test_symlink_inside_the_site_is_followed(site: Path) -> None:
    os.symlink(site / "static" / "logo.png", site / "posts" / "img" / "alias.png")
    assert resolve(site, "img/alias.png") == (site / "static" / "logo.png").resolve()


def test_missing_file_and_folder(site: Path) -> None:
    with pytest.raises(AssetError, match=r"^.*post\.md: image not found: img/nope\.png"):
        resolve(site, "img/nope.png")
    with pytest.raises(AssetError, match="img: not a file"):
        resolve(site, "img")


PNG_1PX = base64.b64encode(png_bytes((1, 1), "black")).decode()


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"data:image/png;base64,{PNG_1PX}", base64.b64decode(PNG_1PX)),
        (f"data:image/png;base64,{PNG_1PX.rstrip('=')}", base64.b64decode(PNG_1PX)),
        ("data:image/png;base64,  AAEC\n/w== ", b"\x00\x01\x02\xff"),
        ("data:;base64,AAEC_w", b"\x00\x01\x02\xff"),  # URL-safe alphabet, no padding
        ("data:image/svg+xml,%3Csvg%3E%3C/svg%3E", b"<svg></svg>"),
        ("data:image/svg+xml;charset=utf-8,<svg a='1'/>", b"<svg a='1'/>"),
    ],
)
def test_data_uris_decode(uri: str, expected: bytes) -> None:
    assert decode_data_uri(uri) == expected


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("data:image/png;base64", "malformed data: URI"),
        ("image/png;base64,AAAA", "malformed data: URI"),
        ("data:image/png;base64,A", "invalid base64"),
        ("data:image/png;base64,AA*A", "invalid base64"),
        ("data:image/png;base64,é", "invalid base64"),
        ("data:image/png,", "empty data: URI"),
    ],
)
def test_malformed_data_uris(uri: str, message: str) -> None:
    with pytest.raises(AssetError, match=message):
        decode_data_uri(uri)


def source_bytes(site: Path, source: str, line: int = 7) -> bytes:
    """The bytes the publisher's reader gives for ``source`` in ``posts/post.md``."""
    loader = AssetLoader(SiteConfig(root=site), None, "wx")
    return asyncio.run(loader.source_bytes(source, site / "posts" / "post.md", line))


def test_the_publisher_reads_local_files_and_data_uris(site: Path) -> None:
    assert source_bytes(site, "img/my%20photo.png") == b"png-bytes"
    assert source_bytes(site, "data:,abc") == b"abc"


def test_read_errors_carry_post_and_line(site: Path) -> None:
    post = site / "posts" / "post.md"
    for source in ("img/missing.png", "ftp://host/x.png", "file:///etc/passwd"):
        with pytest.raises(AssetError) as caught:
            source_bytes(site, source, line=12)
        assert (caught.value.path, caught.value.line) == (str(post), 12)
        assert str(caught.value).startswith(f"{post}:12: ")


def test_strippers_refuse_malformed_containers() -> None:
    assert strip_jpeg(b"\xff\xd8\xff\xe1\x00") is None
    assert strip_jpeg(b"not a jpeg") is None
    jpeg = image_bytes("JPEG", (8, 8), "black")
    assert strip_jpeg(jpeg[:-2]) is None  # no end-of-image marker
    assert strip_jpeg(jpeg + b"motion-photo-video") == jpeg
    assert strip_png(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR") is None
    assert (
        strip_png(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00ABCD\x00\x00\x00\x00") is None
    )  # critical, unknown
    assert strip_gif(b"GIF89a\x01\x00\x01\x00\x80") is None


def test_formula_png_is_crisp_on_white() -> None:
    inline = Image.open(io.BytesIO(render_formula(r"\frac{a}{b}", display=False)))
    display = Image.open(
        io.BytesIO(render_formula(r"\sum_{i=1}^n i = \frac{n(n+1)}{2}", display=True))
    )
    assert inline.format == display.format == "PNG"
    assert inline.height > inline.width  # a fraction is taller than wide
    assert display.width > 2 * display.height
    # Display style sets limits above and below the sum: a taller picture than inline.
    tall = Image.open(io.BytesIO(render_formula(r"\sum_{i=1}^n i", display=True)))
    flat = Image.open(io.BytesIO(render_formula(r"\sum_{i=1}^n i", display=False)))
    assert tall.height > flat.height
    rgb = inline.convert("RGB")
    assert rgb.getpixel((0, 0)) == (255, 255, 255)
    assert min(value for pixel in rgb.getdata() for value in pixel) < 60  # dark glyphs


@pytest.mark.parametrize(
    ("tex", "message"),
    [
        ("x^", r"formula 'x\^': invalid TeX"),
        (r"\left( x", r"invalid TeX"),
        (r"\notacommand{x}", r"unknown TeX command \\notacommand"),
        ("   ", "empty formula"),
    ],
)
def test_bad_tex_names_the_formula(tex: str, message: str) -> None:
    with pytest.raises(AssetError, match=message):
        render_formula(tex, display=True)


def test_known_commands_render() -> None:
    for tex in (r"\alpha + \mathbb{R}", r"\sqrt{x}", r"\begin{matrix}a & b\end{matrix}", r"a \, b"):
        assert render_formula(tex, display=False).startswith(b"\x89PNG")


def test_rasterize_svg_width_and_sniffing() -> None:
    svg = b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"/>'
    assert looks_like_svg(svg) and not looks_like_svg(b"\x89PNG...<svg")
    assert Image.open(io.BytesIO(rasterize_svg(svg, source="s.svg"))).size == (80, 40)
    assert Image.open(io.BytesIO(rasterize_svg(svg, source="s.svg", width=30))).size == (30, 15)
    with pytest.raises(AssetError, match="s.svg: SVG is not valid UTF-8"):
        rasterize_svg(b"<svg \xff\xfe>", source="s.svg")
