"""Make an untrusted SVG safe to rasterise: no file or network access, bounded size.

An SVG is a program for the rasteriser: ``<image href="/etc/x.png">``, ``<use
href="other.svg#id">``, ``<feImage href>``, CSS ``url(…)`` and ``@import`` all ask it to
read other files (relative ones against the current directory), and a tall ``viewBox``
asks it for terabytes of canvas. An SVG can come from the site, a remote URL or a ``data:``
URI, so it is never trusted:

- it is parsed with :mod:`defusedxml` (no entities: no XXE, no billion laughs) and
  re-serialised, which also drops comments, processing instructions
  (``<?xml-stylesheet?>``) and the DOCTYPE. The only DOCTYPE allowed is the bare one drawing
  programs write (draw.io, Illustrator: ``<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://…/svg11.dtd">``): a name and an external public or system identifier, which the
  parser never fetches; one with an internal subset (``[…]``, where entities live) is refused;
- every reference must be internal (``#id``) or a ``data:`` image, which is decoded,
  checked like any other image (a raster within the pixel cap, or an SVG made safe the same
  way, nested at most :data:`MAX_NESTING` deep) and written back in canonical base64;
  anything else is refused with an :class:`~mdwx.errors.AssetError` naming it, since the
  SVG renderer must never resolve a path or URL on its own;
- CSS (``style`` attributes and ``<style>``) may use ``url(#id)`` and ``url(data:…)``
  only; ``@import``, ``@font-face`` and backslash escapes (which could spell either) are
  refused;
- the raster size (width × height) is computed before drawing and capped at
  :data:`MAX_SVG_PIXELS`.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

from mdwx.assets.caps import MAX_PIXELS
from mdwx.assets.datauri import decode_data_uri
from mdwx.css_resources import loads_resource, resource_urls
from mdwx.errors import AssetError

# Biggest raster drawn from any SVG or formula: 40 MP is 160 MB of RGBA canvas.
MAX_SVG_PIXELS = 40_000_000
# An SVG inside an SVG inside an SVG… as data: URIs: deeper than this is refused.
MAX_NESTING = 3
# Elements nested deeper than this are refused before anything walks the tree recursively
# (drawing programs nest groups a few dozen levels at most).
MAX_ELEMENT_DEPTH = 256
# Default canvas when an SVG gives neither a size nor a viewBox (what resvg assumes).
DEFAULT_SIZE = (100.0, 100.0)
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
          "in": 96.0, "em": 16.0, "ex": 8.0}  # fmt: skip
_LENGTH = re.compile(r"^\s*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*([a-z]*)\s*$")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_AT_RULE = re.compile(r"@(import|font-face|namespace)", re.IGNORECASE)
_LINK_TAGS = {"a"}  # a hyperlink's href is never loaded by the rasteriser


_QUOTED = r"""(?:"[^"<>\[\]]*"|'[^'<>\[\]]*')"""
# A DOCTYPE of a name and an external identifier, nothing else (XML 1.0 [28] minus intSubset).
BARE_DOCTYPE = re.compile(
    rf"<!DOCTYPE\s+[A-Za-z_:][\w:.-]*(?:\s+(?:PUBLIC\s+{_QUOTED}\s+{_QUOTED}|SYSTEM\s+{_QUOTED}))?\s*>"
)


def parse_svg(text: str) -> ET.Element:
    """The root of ``text`` parsed without entities; a DOCTYPE only in its bare form.

    Raises :class:`defusedxml.DefusedXmlException` for a DOCTYPE with an internal subset or
    any entity declaration, :class:`xml.etree.ElementTree.ParseError` for bad markup.
    """
    doctypes = text.count("<!DOCTYPE")
    bare = doctypes == 1 and BARE_DOCTYPE.search(text) is not None
    # Entities stay forbidden, and external ones (never fetched) too, whatever the DOCTYPE.
    return SafeET.fromstring(text, forbid_dtd=not bare, forbid_entities=True, forbid_external=True)


def safe_svg(data: bytes, *, source: str, depth: int = 0) -> tuple[str, float, float]:
    """``data`` as SVG markup that references nothing outside itself, and its (width,
    height) in CSS px. Raises :class:`AssetError` naming ``source`` for markup that is not
    UTF-8 or not well-formed, that declares entities or an internal DTD subset, or that references anything but
    ``#fragments`` and ``data:`` images.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssetError(f"{source}: SVG is not valid UTF-8 (save it as UTF-8)") from exc
    try:
        root = parse_svg(text)
    except DefusedXmlException as exc:
        raise AssetError(
            f"{source}: SVG declares a DTD with an internal subset or entities, which are refused",
            hint="remove the [...] part of its <!DOCTYPE …> declaration",
        ) from exc
    except ET.ParseError as exc:
        raise AssetError(f"{source}: invalid SVG ({exc}); check it opens in a browser") from exc
    if _local(root.tag) != "svg":
        raise AssetError(f"{source}: not an SVG (the root element is <{_local(root.tag)}>)")
    if _depth(root) > MAX_ELEMENT_DEPTH:
        raise AssetError(
            f"{source}: SVG elements are nested more than {MAX_ELEMENT_DEPTH} deep",
            hint="flatten the groups, or export the drawing as PNG",
        )
    for element in root.iter():
        _check_element(element, source, depth)
    width, height = svg_size(root)
    # The size checked is the size drawn: percentages, zero and missing sizes are what the
    # renderer would otherwise read its own way (1% × 19999890% became 1 × 32 million px).
    root.set("width", f"{width:g}")
    root.set("height", f"{height:g}")
    return ET.tostring(root, encoding="unicode"), width, height


def _depth(root: ET.Element) -> int:
    """How deep the element tree goes, walked without recursion."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        if level <= MAX_ELEMENT_DEPTH:  # past the limit the answer is known
            stack.extend((child, level + 1) for child in element)
    return deepest


def svg_size(root: ET.Element) -> tuple[float, float]:
    """The SVG's own size in px: ``width``/``height`` (with units), completed from the
    ``viewBox``'s aspect ratio, else the viewBox, else 100 × 100."""
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = _view_box(root.get("viewBox"))
    if width and height:
        return width, height
    if box:
        if width:
            return width, width * box[1] / box[0]
        if height:
            return height * box[0] / box[1], height
        return box
    return width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1]


def check_raster_size(width: int, height: int, *, source: str) -> None:
    """Refuse a raster of more than :data:`MAX_SVG_PIXELS` before it is drawn."""
    if width * height > MAX_SVG_PIXELS:
        raise AssetError(
            f"{source}: would be drawn at {width}x{height} px, over the "
            f"{MAX_SVG_PIXELS // 1_000_000}-megapixel limit for SVG and formulas",
            hint="give the SVG a sensible width, height and viewBox",
        )


def _check_element(element: ET.Element, source: str, depth: int) -> None:
    tag = _local(element.tag)
    for name, value in list(element.attrib.items()):
        attribute = _local(name)
        if attribute in ("href", "src") and tag not in _LINK_TAGS:
            element.set(name, _reference(value, source, depth))
        elif attribute == "style" or loads_resource(value) or "@" in value:
            element.set(name, _css(value, source, depth))
    if tag == "style" and element.text:
        element.text = _css(element.text, source, depth)


def _reference(value: str, source: str, depth: int) -> str:
    ref = value.strip()
    if ref.startswith("#"):
        return ref
    if ref[:5].lower() == "data:":
        return _data_image(ref, source, depth)
    raise AssetError(
        f"{source}: SVG references {_clip(ref)!r}; an SVG may only use its own #ids and "
        "data: images",
        hint="embed the picture as a data: URI, or put it in the post as its own image",
    )


def _css(text: str, source: str, depth: int) -> str:
    if "\\" in text or _CSS_AT_RULE.search(text):
        raise AssetError(
            f"{source}: SVG style uses @import, @font-face or escapes, which are refused",
            hint="write the style without them",
        )
    for declaration in re.split(r"[;{}]", text):
        # image-set('…' 1x), image(), cross-fade() load strings as url() does: each must be
        # one the SVG may use (#id, a checked data: image), like url()'s own argument
        for url in resource_urls(declaration):
            _reference(url, source, depth)
    return _CSS_URL.sub(lambda m: f"url({_reference(m.group(2), source, depth)})", text)


def _data_image(uri: str, source: str, depth: int) -> str:
    """A ``data:`` image checked like any picture, re-encoded as canonical base64."""
    data = decode_data_uri(uri)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        if depth + 1 > MAX_NESTING:
            raise AssetError(f"{source}: SVG images nested more than {MAX_NESTING} deep")
        markup, _, _ = safe_svg(data, source=source, depth=depth + 1)
        return "data:image/svg+xml;base64," + base64.b64encode(markup.encode()).decode()
    kind = _raster_kind(data, source)
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


def _raster_kind(data: bytes, source: str) -> str:
    """The format of an image embedded in an SVG (PNG, JPEG, GIF, WebP), within the cap."""
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG", "GIF", "WEBP"]) as im:
            if im.width * im.height > MAX_PIXELS:
                raise AssetError(
                    f"{source}: an image inside the SVG has too many pixels "
                    f"(limit {MAX_PIXELS // 1_000_000} megapixels)"
                )
            return (im.format or "png").lower()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise AssetError(
            f"{source}: an image inside the SVG is not a PNG, JPEG, GIF or WebP"
        ) from exc


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match or match.group(2) not in _UNITS:
        return None  # absent, a percentage or an unknown unit: the viewBox decides
    length = float(match.group(1)) * _UNITS[match.group(2)]
    return length if length > 0 else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    parts = (value or "").replace(",", " ").split()
    if len(parts) != 4:
        return None
    try:
        width, height = float(parts[2]), float(parts[3])
    except ValueError:
        return None
    return (width, height) if width > 0 and height > 0 else None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
