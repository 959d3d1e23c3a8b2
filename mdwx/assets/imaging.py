"""Turn any picture a post names into bytes WeChat accepts, deterministically.

WeChat's body-image endpoint takes JPEG/PNG up to 1 MB; covers 2 MB; cards exactly
1080x864. Users bring WebP, HEIC, 12-megapixel phone photos with GPS in their EXIF and
animated GIFs. Everything goes through Pillow here: EXIF orientation applied, metadata
dropped, colour converted to sRGB, scaled to the width a phone can show, then recompressed
in bounded steps until it fits. Output is deterministic (same input, same bytes), so the
state database can skip uploads by content hash across runs.

Files that already fit are passed through with their pixels untouched; only metadata
segments are cut out of them (the byte-level strippers live in :mod:`mdwx.assets.metadata`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from mdwx.assets.caps import MAX_PIXELS
from mdwx.assets.formula import (
    MAX_SVG_RASTER_WIDTH,
    looks_like_svg,
    rasterize_svg,
    svg_intrinsic_width,
)
from mdwx.assets.formula_cache import SCALE
from mdwx.assets.metadata import looks_like_heif, strip_gif, strip_jpeg, strip_png
from mdwx.config_tables import MIN_PICTURE_WIDTH, ImageLimits
from mdwx.errors import AssetError

JPEG_QUALITIES = (85, 75, 65, 55)
# JPEG cannot store a side longer than this (libjpeg refuses to write it): PNG only then.
JPEG_MAX_SIDE = 65_500
SHRINK_STEP = 0.8  # each retry is 80% as wide: about 64% of the pixels
MIN_WIDTH = MIN_PICTURE_WIDTH  # narrower than this is not worth showing; give up instead
# Above this many pixels, decoding needs gigabytes: refuse instead (a 48 MP photo still passes).
CARD_SIZE = (1080, 864)
_OPEN_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "ICO", "PSD", "AVIF")
_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
MB = 1024 * 1024


@dataclass(frozen=True)
class ImageTarget:
    """What one destination endpoint accepts."""

    name: str  # "body" | "cover" | "card" | "gif"
    max_bytes: int
    formats: tuple[str, ...] = ("jpeg", "png")
    max_width: int | None = 1080
    exact_size: tuple[int, int] | None = None  # cover-crop to fill (mini-program cards)


def body_target(images: ImageLimits) -> ImageTarget:
    """Body images go through media/uploadimg: JPEG/PNG only."""
    return ImageTarget("body", images.body_max_bytes, ("jpeg", "png"), images.max_width)


def cover_target(images: ImageLimits) -> ImageTarget:
    """Covers go through add_material type=image."""
    return ImageTarget("cover", images.cover_max_bytes, ("jpeg", "png"), images.max_width)


def card_target(images: ImageLimits) -> ImageTarget:
    """Mini-program card images: exactly 1080x864, uploaded like body images."""
    return ImageTarget("card", images.body_max_bytes, ("jpeg", "png"), CARD_SIZE[0], CARD_SIZE)


def gif_target(images: ImageLimits) -> ImageTarget:
    """Animated GIFs go through add_material, which keeps the animation."""
    return ImageTarget("gif", images.gif_max_bytes, ("gif", "jpeg", "png"), images.max_width)


@dataclass(frozen=True)
class PreparedImage:
    """Bytes ready for upload, with what the uploader needs to name and describe them."""

    data: bytes
    ext: str  # "jpg" | "png" | "gif"
    content_type: str
    width: int
    height: int
    animated: bool = False
    warnings: tuple[str, ...] = ()

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def filename(self) -> str:
        """Content-addressed, so the same picture always uploads under the same name."""
        return f"{self.sha256[:16]}.{self.ext}"


def is_animated_gif(data: bytes) -> bool:
    """True for a GIF with more than one frame: the publisher then picks :func:`gif_target`."""
    if not data.startswith((b"GIF87a", b"GIF89a")):
        return False
    try:
        with Image.open(io.BytesIO(data), formats=["GIF"]) as im:
            return getattr(im, "n_frames", 1) > 1
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def prepare_image(
    data: bytes, target: ImageTarget, *, source: str, allow_animation: bool = True
) -> PreparedImage:
    """Normalise ``data`` for ``target``: see the module docstring. Raises AssetError."""
    if target.exact_size:
        return make_card_image(data, target, source=source)
    data = _rasterize_if_svg(data, target, source)
    notes: list[str] = []
    with _opened(data, source) as im:
        if getattr(im, "n_frames", 1) > 1:
            kept = _keep_animation(data, im, target, allow_animation)
            if kept is not None:
                return kept
            notes.append(_first_frame_note(im.format, data, target, source, allow_animation))
        passed = _pass_through(data, im, target)
        if passed is not None:
            ext = "jpg" if im.format == "JPEG" else "png"
            return _prepared(passed, ext, im.size, notes)
        img = _normalise(im, target)
        style = _style(img, im.format)
    encoded, ext, size = _fit(img, target, source=source, original=len(data), style=style)
    return _prepared(encoded, ext, size, notes)


def make_card_image(data: bytes, target: ImageTarget, *, source: str) -> PreparedImage:
    """Exactly ``target.exact_size`` (1080x864): centre-crop to its aspect ratio, then resize."""
    size = target.exact_size or CARD_SIZE
    data = _rasterize_if_svg(data, ImageTarget("card", target.max_bytes, max_width=size[0]), source)
    with _opened(data, source) as im:
        img = _normalise(im, ImageTarget("card", target.max_bytes, max_width=max(size)))
    img = ImageOps.fit(img, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    for ext, encode in _candidates(img, target.formats, _style(img, None)):
        encoded = encode()
        if len(encoded) <= target.max_bytes:
            return _prepared(encoded, ext, img.size, [])
    raise AssetError(
        f"{source}: cannot fit a {size[0]}x{size[1]} card image into {_mb(target.max_bytes)}",
        hint="use a simpler picture",
    )


def _prepared(
    data: bytes, ext: str, size: tuple[int, int], notes: list[str], animated: bool = False
) -> PreparedImage:
    return PreparedImage(data, ext, _CONTENT_TYPES[ext], size[0], size[1], animated, tuple(notes))


def _rasterize_if_svg(data: bytes, target: ImageTarget, source: str) -> bytes:
    """SVG → PNG at twice its own width (crisp on phones), no wider than the target allows."""
    if not looks_like_svg(data):
        return data
    text = data.decode("utf-8-sig", errors="replace")
    width = round(svg_intrinsic_width(text) * SCALE)
    return rasterize_svg(
        data, source=source, width=min(width, target.max_width or MAX_SVG_RASTER_WIDTH)
    )


def verify_image(data: bytes, *, source: str) -> None:
    """Check that ``data`` is a picture mdwx can publish, without decoding its pixels.

    Pillow identifies the format from the header and ``verify()`` walks the container
    (PNG chunk CRCs, GIF blocks); SVG must at least be well-formed XML. Raises
    :class:`AssetError` naming ``source`` — the same messages publish would give.
    """
    if looks_like_svg(data):
        import xml.etree.ElementTree as ET

        from defusedxml import DefusedXmlException

        from mdwx.assets.svg import parse_svg

        try:  # no entities, no DTD subset: a check must not be a way to expand a billion laughs
            parse_svg(data.decode("utf-8-sig"))
        except DefusedXmlException as exc:
            raise AssetError(
                f"{source}: SVG declares a DTD with an internal subset or entities, which are "
                "refused",
                hint="remove the [...] part of its <!DOCTYPE …> declaration",
            ) from exc
        except (ET.ParseError, UnicodeDecodeError) as exc:
            raise AssetError(
                f"{source}: invalid SVG ({exc})", hint="check it opens in a browser"
            ) from exc
        return
    with _opened(data, source) as im:
        try:
            im.verify()
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise AssetError(
                f"{source}: damaged image ({exc})", hint="re-export it as JPEG or PNG"
            ) from exc


@contextmanager
def _opened(data: bytes, source: str) -> Iterator[Image.Image]:
    """Open with Pillow, turning every way that can fail into an AssetError naming ``source``."""
    if not data:
        raise AssetError(f"{source}: the file is empty")
    if looks_like_heif(data):
        raise AssetError(
            f"{source}: unsupported image format HEIC/HEIF (convert it to JPEG or PNG)"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_OPEN_FORMATS) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                yield im
    except UnidentifiedImageError as exc:
        raise AssetError(
            f"{source}: not an image, or an unsupported format (convert it to JPEG or PNG)"
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AssetError(
            f"{source}: too many pixels to process safely (limit {MAX_PIXELS // 1_000_000} megapixels)",
            hint="scale it down before publishing",
        ) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise AssetError(
            f"{source}: damaged or unreadable image ({exc})", hint="re-export it as JPEG or PNG"
        ) from exc


def _keep_animation(
    data: bytes, im: Image.Image, target: ImageTarget, allowed: bool
) -> PreparedImage | None:
    """The original animated GIF minus comments and XMP, if it may and does fit as it is."""
    if im.format != "GIF" or not allowed or "gif" not in target.formats:
        return None
    stripped = strip_gif(data)
    if stripped is None or len(stripped) > target.max_bytes:
        return None
    return _prepared(stripped, "gif", im.size, [], animated=True)


def _first_frame_note(
    fmt: str | None, data: bytes, target: ImageTarget, source: str, allowed: bool
) -> str:
    kind = f"animated {fmt or 'image'}"
    if fmt == "GIF" and allowed and "gif" in target.formats and len(data) > target.max_bytes:
        return f"{source}: {kind} over {_mb(target.max_bytes)}: only its first frame is used"
    return f"{source}: {kind} cannot stay animated here: only its first frame is used"


def _pass_through(data: bytes, im: Image.Image, target: ImageTarget) -> bytes | None:
    """The file minus metadata, pixels untouched, when nothing else needs doing."""
    fmt = {"JPEG": "jpeg", "PNG": "png"}.get(im.format or "")
    if fmt is None or fmt not in target.formats or getattr(im, "n_frames", 1) > 1:
        return None
    if (target.max_width and im.width > target.max_width) or im.mode in ("CMYK", "YCbCr"):
        return None
    if im.getexif().get(0x0112, 1) not in (0, 1):
        return None
    icc = im.info.get("icc_profile")
    if icc and not _is_srgb(icc):
        return None
    stripped = strip_jpeg(data) if fmt == "jpeg" else strip_png(data)
    if stripped is None or len(stripped) > target.max_bytes:
        return None
    return stripped


def _is_srgb(icc: bytes) -> bool:
    try:
        return (
            "srgb"
            in ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).lower()
        )
    except (ImageCms.PyCMSError, OSError, TypeError):
        return False


def _normalise(im: Image.Image, target: ImageTarget) -> Image.Image:
    """First frame, upright, sRGB, in a mode JPEG/PNG can hold, with no metadata attached."""
    if im.format == "JPEG" and target.max_width:
        im.draft(None, (target.max_width, target.max_width))  # decode big JPEGs at 1/2..1/8
    try:
        img = ImageOps.exif_transpose(im)
    except (OSError, ValueError, SyntaxError):  # corrupt EXIF: keep the pixels as stored
        img = im.copy()
    img = _to_srgb(img, im.info.get("icc_profile"))
    img = _simple_mode(img)
    img.info = {}  # drop EXIF, XMP, ICC, comments, text chunks: nothing follows into the output
    return img


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            img, profile, _SRGB, outputMode="RGBA" if img.mode == "RGBA" else "RGB"
        )
        return converted if converted is not None else img
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img  # an unusable profile: the pixels are most likely sRGB already


def _simple_mode(img: Image.Image) -> Image.Image:
    """L, RGB or RGBA only; an alpha channel that is fully opaque is dropped."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        img = img.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode in ("P", "PA", "LA") or (img.mode == "L" and "transparency" in img.info):
        img = img.convert("RGBA")
    elif img.mode not in ("L", "RGB", "RGBA"):
        img = img.convert("RGB")
    if img.mode == "RGBA" and img.getchannel("A").getextrema() == (255, 255):
        img = img.convert("RGB")
    return img


def _has_alpha(img: Image.Image) -> bool:
    return img.mode == "RGBA"


def _fit(
    img: Image.Image, target: ImageTarget, *, source: str, original: int, style: str
) -> tuple[bytes, str, tuple[int, int]]:
    """Scale to the target width, then try encodings, then narrower widths, until it fits."""
    width = img.width
    for width in _widths(img.width, target.max_width):
        frame = _resize(img, width)
        for ext, encode in _candidates(frame, target.formats, style):
            encoded = encode()
            if len(encoded) <= target.max_bytes:
                return encoded, ext, frame.size
    raise AssetError(
        f"{source}: {_mb(original)} cannot be made to fit {_mb(target.max_bytes)} even at {width} px wide",
        hint="crop it, or use a smaller or simpler image",
    )


def _widths(width: int, max_width: int | None) -> list[int]:
    """The target width, then 80% steps down to MIN_WIDTH (or just the width, if narrower)."""
    current = min(width, max_width) if max_width else width
    widths = [current]
    while current > MIN_WIDTH:
        current = max(MIN_WIDTH, int(current * SHRINK_STEP))
        widths.append(current)
    return widths


def _resize(img: Image.Image, width: int) -> Image.Image:
    if width == img.width:
        return img
    height = max(1, round(img.height * width / img.width))
    if img.mode == "RGBA":  # premultiplied, or transparent pixels bleed dark fringes
        return img.convert("RGBa").resize((width, height), Image.Resampling.LANCZOS).convert("RGBA")
    return img.resize((width, height), Image.Resampling.LANCZOS)


Encoder = Callable[[], bytes]


def _style(img: Image.Image, fmt: str | None) -> str:
    """How to encode a picture, judged once on the full-size pixels (resizing adds colours).

    "graphic": transparency or at most 256 colours (logos, diagrams, screenshots of UI);
    "lossless": many colours from a PNG/GIF, kept lossless while it fits; "photo": the rest.
    """
    if _has_alpha(img) or img.getcolors(256) is not None:
        return "graphic"
    return "lossless" if fmt in ("PNG", "GIF") else "photo"


def _candidates(
    img: Image.Image, formats: tuple[str, ...], style: str
) -> Iterator[tuple[str, Encoder]]:
    """Encodings from best-looking to smallest: PNG, palette PNG, then JPEG quality steps.

    Photos skip PNG (it would never be smaller); only graphics are reduced to a palette (a
    photo would band); transparent pictures are flattened on white for JPEG only when no
    PNG fits.
    """
    png_only = "jpeg" not in formats
    if "png" in formats and (style != "photo" or png_only):
        yield "png", lambda: _png(img)
        if img.mode != "L" and (style == "graphic" or png_only):
            yield "png", lambda: _png(_quantize(img))
    if "jpeg" in formats and max(img.size) <= JPEG_MAX_SIDE:
        flat = _flatten(img)
        for quality in JPEG_QUALITIES:
            yield "jpg", functools.partial(_jpeg, flat, quality)


def _png(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _quantize(img: Image.Image) -> Image.Image:
    method = Image.Quantize.FASTOCTREE if img.mode == "RGBA" else Image.Quantize.MEDIANCUT
    return img.quantize(256, method=method)


def _flatten(img: Image.Image) -> Image.Image:
    if img.mode != "RGBA":
        return img
    background = Image.new("RGB", img.size, (255, 255, 255))
    background.paste(img, mask=img.getchannel("A"))
    return background


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size / 1024:.0f} KB"
