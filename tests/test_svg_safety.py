"""SVG rasterising never reads a file or URL on its own, and never draws an unbounded canvas."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mdwx.assets.formula import rasterize_svg, render_formula
from mdwx.assets.imaging import body_target, make_card_image, prepare_image
from mdwx.assets.svg import safe_svg
from mdwx.config import ImageLimits
from mdwx.errors import AssetError
from tests import factories

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'

# Every place an SVG can name another resource. {ref} is the reference, XML-escaped.
POSITIONS = [
    '<image href="{ref}" width="10" height="10"/>',
    '<image xlink:href="{ref}" width="10" height="10"/>',
    '<image src="{ref}" width="10" height="10"/>',
    '<use href="{ref}"/>',
    '<use xlink:href="{ref}"/>',
    '<filter id="f"><feImage href="{ref}"/></filter>',
    '<pattern id="p" href="{ref}" width="1" height="1"/>',
    '<linearGradient id="g" xlink:href="{ref}"/>',
    '<rect width="5" height="5" style="fill:url({ref})"/>',
    '<rect width="5" height="5" style="fill:url(\'{ref}\')"/>',
    '<rect width="5" height="5" fill="url({ref})"/>',
    '<rect width="5" height="5" filter="url(&quot;{ref}&quot;)"/>',
    '<rect width="5" height="5" mask="url({ref})"/>',
    '<rect width="5" height="5" clip-path="url({ref})"/>',
    '<path d="M0 0L5 5" marker-end="url({ref})"/>',
    "<style>rect {{ fill: url({ref}) }}</style>",
    "<style><![CDATA[rect {{ fill: url({ref}) }}]]></style>",
    '<g><g><g><image href="{ref}"/></g></g></g>',
    '<textPath href="{ref}">x</textPath>',
]

# What a reference can be: absolute and relative paths, device files, file: and http(s) URLs.
external = st.one_of(
    st.sampled_from(
        [
            "/etc/passwd",
            "/dev/zero",
            "/dev/urandom",
            "../secret.png",
            "a.png",
            "file:///etc/hosts",
            "http://127.0.0.1/x.png",
            "https://example.com/a.svg#x",
            "//example.com/x.png",
            "other.svg#id",
            "C:\\x.png",
            "~/x.png",
            " /etc/x",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
        lambda s: (
            not s.strip().startswith("#")
            and not s.strip().lower().startswith("data:")
            and ")" not in s
            and "'" not in s
            and '"' not in s
            and s.strip() != ""
        )
    ),
)


def _escape(ref: str) -> str:
    return ref.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").replace("]]>", "")


def svg(body: str, size: str = 'width="10" height="10"') -> bytes:
    return f"<svg {NS} {size}>{body}</svg>".encode()


def png_bytes(colour: str = "red", size: tuple[int, int] = (4, 4)) -> bytes:
    return factories.png_bytes(size, colour)


@settings(max_examples=150)
@given(position=st.sampled_from(POSITIONS), ref=external)
def test_every_external_reference_is_refused(position: str, ref: str) -> None:
    data = svg(position.format(ref=_escape(ref)))
    with pytest.raises(AssetError) as info:
        rasterize_svg(data, source="x.svg")
    assert "\n" not in str(info.value)


@settings(max_examples=60)
@given(position=st.sampled_from(POSITIONS[:8]))
def test_a_real_file_outside_is_never_drawn(tmp_path: Path, position: str) -> None:
    """The reported fault: the referenced file's pixels must not reach the raster."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes("blue", (10, 10)))
    for ref in (str(secret), "secret.png"):
        with pytest.raises(AssetError, match="SVG references"):
            rasterize_svg(svg(position.format(ref=ref)), source="x.svg")


def test_internal_and_data_references_still_render() -> None:
    embedded = base64.b64encode(png_bytes()).decode()
    body = (
        f'<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'
        f'<image href="data:image/png;base64,{embedded}" width="10" height="10"/>'
        '<rect x="0" y="0" width="2" height="2" style="fill:url(#g)"/>'
        '<a href="https://example.com/"><rect x="8" y="8" width="2" height="2"/></a>'
    )
    out = Image.open(io.BytesIO(rasterize_svg(svg(body), source="x.svg")))
    assert out.size == (20, 20)
    assert out.convert("RGB").getpixel((10, 10)) == (255, 0, 0)


def test_nested_svg_data_uri_is_made_safe_too() -> None:
    inner = f'<svg {NS}><image href="/etc/x.png"/></svg>'
    body = f'<image href="data:image/svg+xml;base64,{base64.b64encode(inner.encode()).decode()}"/>'
    with pytest.raises(AssetError, match="/etc/x.png"):
        rasterize_svg(svg(body), source="x.svg")
    deep = f"<svg {NS}/>"
    for _ in range(5):
        deep = f'<svg {NS}><image href="data:image/svg+xml;base64,{base64.b64encode(deep.encode()).decode()}"/></svg>'
    with pytest.raises(AssetError, match="nested"):
        rasterize_svg(deep.encode(), source="x.svg")


def test_an_embedded_raster_is_checked_like_an_image() -> None:
    body = '<image href="data:image/png;base64,{}"/>'
    with pytest.raises(AssetError, match="not a PNG"):
        rasterize_svg(svg(body.format(base64.b64encode(b"not an image").decode())), source="x.svg")


@pytest.mark.parametrize(
    "markup",
    [
        '<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg {ns}>&b;</svg>',
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg {ns}><text>&x;</text></svg>',
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd" [<!ATTLIST svg a CDATA "1">]><svg {ns}/>',
        "<svg {ns}><style>@import url(data:text/css,x);</style></svg>",
        "<svg {ns}><style>@font-face {{ src: url(#x) }}</style></svg>",
        '<svg {ns}><rect style="fill:\\75rl(a.svg#g)"/></svg>',
        "<html/>",
        "<svg {ns}><unclosed></svg>",
    ],
)
def test_dtds_css_imports_and_bad_markup_are_refused(markup: str) -> None:
    with pytest.raises(AssetError):
        rasterize_svg(markup.format(ns=NS).encode(), source="x.svg")


@settings(max_examples=120)
@given(
    width=st.one_of(st.none(), st.floats(1e-3, 1e9)),
    height=st.one_of(st.none(), st.floats(1e-3, 1e9)),
    box=st.one_of(st.none(), st.tuples(st.floats(1e-3, 1e9), st.floats(1e-3, 1e9))),
    unit=st.sampled_from(["", "px", "mm", "in", "pt", "%"]),
)
def test_raster_size_is_capped_before_drawing(width, height, box, unit) -> None:
    """Any declared size either draws within the pixel cap or is a clear error (no abort)."""
    attrs = []
    if width is not None:
        attrs.append(f'width="{width:f}{unit}"')
    if height is not None:
        attrs.append(f'height="{height:f}{unit}"')
    if box is not None:
        attrs.append(f'viewBox="0 0 {box[0]:f} {box[1]:f}"')
    data = svg('<rect width="1" height="1"/>', " ".join(attrs))
    cap = 200_000  # a small cap keeps the drawing cheap; the arithmetic is the same
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("mdwx.assets.svg.MAX_SVG_PIXELS", cap)
        try:
            out = Image.open(io.BytesIO(rasterize_svg(data, source="x.svg")))
        except AssetError as exc:
            assert "\n" not in str(exc)
            return
    assert out.width * out.height <= cap


def test_the_reported_tall_viewbox_is_an_error_in_every_image_path() -> None:
    tall = svg("", 'viewBox="0 0 10 900000000"')
    limits = ImageLimits()
    with pytest.raises(AssetError, match="megapixel"):
        prepare_image(tall, body_target(limits), source="tall.svg")
    from mdwx.assets.imaging import card_target

    with pytest.raises(AssetError, match="megapixel"):
        make_card_image(tall, card_target(limits), source="tall.svg")


def test_formula_raster_size_is_capped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A formula is drawn from SVG as well: the same cap applies before drawing."""
    monkeypatch.setattr("mdwx.assets.svg.MAX_SVG_PIXELS", 2000)
    with pytest.raises(AssetError, match=r"formula .*megapixel"):
        render_formula(r"\sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}", display=True)


def test_safe_svg_drops_comments_and_processing_instructions() -> None:
    markup, width, height = safe_svg(
        b'<?xml version="1.0"?><?xml-stylesheet href="/etc/x.css"?><!-- c --><svg '
        + NS.encode()
        + b' width="4mm" height="1in"/>',
        source="x.svg",
    )
    assert "xml-stylesheet" not in markup and "<!--" not in markup
    assert (round(width, 2), height) == (15.12, 96.0)


def test_check_refuses_a_local_svg_offline_at_its_line(tmp_path: Path) -> None:
    from mdwx.build import check_post
    from mdwx.source.gate import collect_posts

    (tmp_path / "mdwx.toml").write_text("", "utf-8")
    factories.save_picture(tmp_path / "cover.png", (20, 20), "black")
    (tmp_path / "d.svg").write_bytes(svg('<image href="/etc/hostname"/>'))
    (tmp_path / "ok.svg").write_bytes(svg('<rect width="5" height="5"/>'))
    post = tmp_path / "p.md"
    post.write_text(
        "---\ntitle: T\ncover: cover.png\n---\n\n![a](ok.svg)\n\n![b](d.svg)\n", "utf-8"
    )
    report = check_post(collect_posts([post])[0])
    assert report.error is not None and report.error.line == 8
    assert "SVG references '/etc/hostname'" in str(report.error)


# DOCTYPEs as drawing programs and attackers write them. The bare form (a name and an
# external identifier) is accepted; an internal subset or an entity never is.
PUBLIC_IDS = st.sampled_from(
    [
        "-//W3C//DTD SVG 1.1//EN",
        "-//W3C//DTD SVG 20010904//EN",
        "-//W3C//DTD SVG 1.0//EN",
        "-//Adobe//x",
        "",
    ]
)
SYSTEM_IDS = st.sampled_from(
    [
        "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd",
        "file:///etc/passwd",
        "svg10.dtd",
        "https://evil.example/x.dtd",
        "",
    ]
)
SUBSETS = st.sampled_from(
    [
        '<!ENTITY x "y">',
        '<!ENTITY x SYSTEM "file:///etc/passwd">',
        '<!ATTLIST svg a CDATA "1">',
        '<!ENTITY % p "q">',
        "",
        "<!-- c -->",
    ]
)


@st.composite
def doctypes(draw: st.DrawFn) -> tuple[str, bool, bool]:
    """(markup, has an internal subset, uses an entity in the body)."""
    quote = draw(st.sampled_from(['"', "'"]))
    space = draw(st.sampled_from([" ", "\n", "  \t"]))
    ident = draw(st.sampled_from(["public", "system", "none"]))
    if ident == "public":
        external = f"{space}PUBLIC{space}{quote}{draw(PUBLIC_IDS)}{quote}{space}{quote}{draw(SYSTEM_IDS)}{quote}"
    elif ident == "system":
        external = f"{space}SYSTEM{space}{quote}{draw(SYSTEM_IDS)}{quote}"
    else:
        external = ""
    subset = draw(st.none() | SUBSETS)
    internal = f"{space}[{subset}]" if subset is not None else ""
    entity = draw(st.booleans())
    prolog = draw(
        st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n', "<!-- Generator -->\n"])
    )
    body = "<text>&x;</text>" if entity else '<rect width="4" height="4"/>'
    markup = f'{prolog}<!DOCTYPE svg{external}{internal}{space}>\n<svg {NS} width="10" height="10">{body}</svg>'
    return markup, subset is not None, entity


@settings(max_examples=150)
@given(doctypes())
def test_a_bare_doctype_is_accepted_and_any_subset_or_entity_refused(
    case: tuple[str, bool, bool],
) -> None:
    markup, internal, entity = case
    if internal or entity:
        with pytest.raises(AssetError):
            safe_svg(markup.encode(), source="x.svg")
        return
    cleaned, width, height = safe_svg(markup.encode(), source="x.svg")
    assert (width, height) == (10.0, 10.0) and "DOCTYPE" not in cleaned
    assert Image.open(io.BytesIO(rasterize_svg(markup.encode(), source="x.svg"))).size == (20, 20)


@pytest.mark.parametrize(
    ("doctype", "ok"),
    [
        (
            '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
            True,
        ),
        ('<!DOCTYPE svg [<!ENTITY x "y">]>', False),
    ],
)
def test_check_and_build_take_the_bare_doctype_at_every_gate(
    tmp_path: Path, doctype: str, ok: bool
) -> None:
    # check verifies the file (imaging.verify_image), build draws it (safe_svg): both accept
    # the DOCTYPE drawing programs write, and both refuse a subset, naming the post's line.
    from mdwx.build import build_post, check_post
    from mdwx.source.gate import collect_posts

    (tmp_path / "mdwx.toml").write_text("", "utf-8")
    Image.new("RGB", (20, 20)).save(tmp_path / "cover.png")
    (tmp_path / "d.svg").write_text(
        f'<?xml version="1.0"?>\n{doctype}\n<svg {NS} width="5" height="5"/>', "utf-8"
    )
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\ncover: cover.png\n---\n\n![a](d.svg)\n", "utf-8")
    for report in (
        check_post(collect_posts([post])[0]),
        build_post(collect_posts([post])[0], tmp_path / "out"),
    ):
        if ok:
            assert report.error is None, report.error
        else:
            assert report.error is not None and report.error.line == 6
            assert "internal subset or entities" in str(report.error) and "DTDForbidden" not in str(
                report.error
            )


SIZES = st.sampled_from(["", "0", "-5", "1%", "19999890%", "10", "2.5em", "300px", "1e9"])
BOXES = st.sampled_from(["", "0 0 0.5 161", "0 0 0 0", "0 0 10 10", "0 0 1000000 1"])


@settings(max_examples=25)
@given(width=SIZES, height=SIZES, box=BOXES, cycle=st.booleans())
def test_check_refuses_an_svg_exactly_when_the_dry_run_does(
    width: str, height: str, box: str, cycle: bool
) -> None:
    """The size checked is the size drawn, and what the renderer refuses, check refuses."""
    import tempfile

    from mdwx import api

    attrs = "".join(
        f' {k}="{v}"' for k, v in (("width", width), ("height", height), ("viewBox", box)) if v
    )
    body = (
        '<g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g>'
        if cycle
        else '<rect width="5" height="5"/>'
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"{attrs}>'
        f"{body}</svg>"
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "mdwx.toml").write_text("", encoding="utf-8")
        (root / "d.svg").write_text(svg, encoding="utf-8")
        post = root / "p.md"
        post.write_text("---\ntitle: T\n---\n\nWords ![d](d.svg)\n", encoding="utf-8")
        checked = api.check(post).posts[0]
        dry = api.publish(post, api.Options(sandbox=True, sandbox_port=0, dry_run=True)).posts[0]
        assert (checked.error is None) == (dry.error is None), (svg, checked.error, dry.error)
        if checked.error is not None:
            assert str(checked.error) == str(dry.error)
