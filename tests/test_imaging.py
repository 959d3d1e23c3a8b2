"""Image preparation: what WeChat receives for every kind of picture a post may name."""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, PngImagePlugin, features

from mdwx.assets.imaging import (
    ImageTarget,
    body_target,
    card_target,
    cover_target,
    gif_target,
    is_animated_gif,
    make_card_image,
    prepare_image,
)
from mdwx.config import ImageLimits
from mdwx.errors import AssetError

LIMITS = ImageLimits()
BODY = body_target(LIMITS)
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def noise(size: tuple[int, int], mode: str = "RGB", seed: int = 1) -> Image.Image:
    """Incompressible pixels: the worst case for every encoder."""
    channels = len(mode)
    return Image.frombytes(mode, size, random.Random(seed).randbytes(size[0] * size[1] * channels))


def encode(img: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    return exif


def test_exif_orientation_is_applied_and_removed() -> None:
    data = encode(Image.new("RGB", (40, 20), "red"), "JPEG", exif=gps_exif(orientation=6))
    prepared = prepare_image(data, BODY, source="turned.jpg")
    out = opened(prepared.data)
    assert (prepared.width, prepared.height) == (20, 40) == out.size
    assert out.getexif().get(ORIENTATION) in (None, 1)
    assert GPS_IFD not in out.getexif()


def test_gps_is_cut_from_a_jpeg_that_otherwise_passes_through() -> None:
    original = noise((64, 48))
    data = encode(original, "JPEG", quality=90, exif=gps_exif(), comment=b"secret place")
    prepared = prepare_image(data, BODY, source="walk.jpg")
    out = opened(prepared.data)
    assert not out.getexif() and "exif" not in out.info and b"secret place" not in prepared.data
    assert b"PhoneMaker" not in prepared.data
    assert len(prepared.data) < len(data)
    # Pixels untouched: the compressed scan was copied, not re-encoded.
    assert out.tobytes() == opened(data).tobytes()


def test_gps_is_gone_when_the_photo_is_reencoded() -> None:
    data = encode(noise((1600, 1200)), "JPEG", quality=90, exif=gps_exif())
    prepared = prepare_image(data, BODY, source="big.jpg")
    assert prepared.width == 1080
    assert not opened(prepared.data).getexif()
    assert b"PhoneMaker" not in prepared.data


def test_clean_jpeg_and_png_pass_through_byte_identical() -> None:
    jpeg = encode(noise((100, 80)), "JPEG")
    png = encode(Image.new("RGB", (100, 80), "blue"), "PNG")
    assert prepare_image(jpeg, BODY, source="a.jpg").data == jpeg
    passed = prepare_image(png, BODY, source="b.png")
    assert (passed.data, passed.ext, passed.content_type) == (png, "png", "image/png")


def test_png_text_chunks_are_dropped_pixels_kept() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Somebody Private")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>gps</x:xmpmeta>")
    image = noise((50, 50), "RGBA")
    data = encode(image, "PNG", pnginfo=info)
    prepared = prepare_image(data, BODY, source="meta.png")
    assert b"Somebody Private" not in prepared.data and b"xmpmeta" not in prepared.data
    assert opened(prepared.data).tobytes() == image.tobytes()


def test_srgb_icc_profile_is_dropped_and_bad_profile_does_not_fail() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for profile in (srgb, b"not a profile"):
        data = encode(Image.new("RGB", (30, 30), (200, 30, 30)), "JPEG", icc_profile=profile)
        out = opened(prepare_image(data, BODY, source="c.jpg").data)
        assert "icc_profile" not in out.info
        assert out.getpixel((15, 15)) == pytest.approx((200, 30, 30), abs=4)


@pytest.mark.parametrize(
    "fmt", ["WEBP", "BMP", "TIFF"] + (["AVIF"] if features.check("avif") else [])
)
def test_photo_formats_become_jpeg(fmt: str) -> None:
    data = encode(noise((300, 200)), fmt)
    prepared = prepare_image(data, BODY, source=f"photo.{fmt.lower()}")
    assert (prepared.ext, opened(prepared.data).format) == ("jpg", "JPEG")
    assert (prepared.width, prepared.height) == (300, 200)


@pytest.mark.parametrize("fmt", ["WEBP", "BMP", "TIFF", "ICO", "GIF"])
def test_graphics_and_transparency_become_png(fmt: str) -> None:
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (8, 8, 40, 40))
    if fmt == "BMP":
        image = image.convert("RGB")  # BMP has no alpha: still a few-colour graphic
    prepared = prepare_image(encode(image, fmt), BODY, source=f"logo.{fmt.lower()}")
    out = opened(prepared.data)
    assert (prepared.ext, out.format) == ("png", "PNG")
    assert out.convert("RGBA").getpixel((20, 20)) == pytest.approx((255, 0, 0, 255), abs=3)
    if fmt != "BMP":
        assert out.convert("RGBA").getpixel((1, 1))[3] == 0


def test_cmyk_and_16_bit_inputs_are_made_displayable() -> None:
    cmyk = prepare_image(
        encode(Image.new("CMYK", (40, 40), (0, 255, 255, 0)), "JPEG"), BODY, source="c.jpg"
    )
    assert opened(cmyk.data).mode == "RGB"
    deep = Image.new("I;16", (40, 40), 40000)
    prepared = prepare_image(encode(deep, "TIFF"), BODY, source="d.tiff")
    assert opened(prepared.data).convert("L").getpixel((0, 0)) == pytest.approx(156, abs=2)


def test_svg_is_rasterised_at_twice_its_size_within_max_width() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="#08f"/></svg>'
    prepared = prepare_image(svg, BODY, source="chart.svg")
    assert (prepared.ext, prepared.width, prepared.height) == ("png", 200, 100)
    narrow = ImageTarget("body", LIMITS.body_max_bytes, max_width=150)
    assert (prepare_image(svg, narrow, source="chart.svg").width, 75) == (150, 75)
    assert opened(prepare_image(svg, narrow, source="chart.svg").data).size == (150, 75)


def test_broken_svg_is_an_asset_error() -> None:
    with pytest.raises(AssetError, match="broken.svg: invalid SVG"):
        prepare_image(b"<svg xmlns='http://www.w3.org/2000/svg'><rect", BODY, source="broken.svg")


def test_huge_photo_is_scaled_to_1080_and_fits_one_megabyte() -> None:
    data = encode(noise((4000, 3000)), "PNG", compress_level=1)
    assert len(data) > 30 * 1024 * 1024
    prepared = prepare_image(data, BODY, source="huge.png")
    assert prepared.width == 1080 and prepared.height == 810
    assert len(prepared.data) <= LIMITS.body_max_bytes


def test_picture_is_narrowed_in_steps_when_quality_alone_is_not_enough() -> None:
    target = ImageTarget("body", 60 * 1024)
    prepared = prepare_image(encode(noise((1600, 1200)), "PNG"), target, source="n.png")
    assert len(prepared.data) <= 60 * 1024
    assert 320 <= prepared.width < 1080


def test_transparent_picture_is_flattened_to_jpeg_only_when_png_cannot_fit() -> None:
    target = ImageTarget("body", 200 * 1024, max_width=600)
    prepared = prepare_image(encode(noise((600, 450), "RGBA"), "PNG"), target, source="t.png")
    assert (prepared.ext, prepared.width) == ("jpg", 600)


def test_impossible_fit_names_the_file_sizes_and_width() -> None:
    target = ImageTarget("body", 5000)
    with pytest.raises(AssetError) as caught:
        prepare_image(encode(noise((2000, 1500)), "PNG"), target, source="banner.png")
    message = str(caught.value)
    assert message.startswith("banner.png: ") and "cannot be made to fit 5 KB" in message
    assert "320 px wide" in message


def animated_gif(frames: int, size: tuple[int, int] = (40, 30), comment: bytes = b"") -> bytes:
    images = [noise(size, seed=i).convert("P") for i in range(frames)]
    return encode(
        images[0],
        "GIF",
        save_all=True,
        append_images=images[1:],
        loop=0,
        duration=80,
        comment=comment,
    )


def test_small_animated_gif_is_kept_without_its_comment() -> None:
    data = animated_gif(3, comment=b"made by someone")
    assert is_animated_gif(data) and not is_animated_gif(encode(Image.new("P", (4, 4)), "GIF"))
    prepared = prepare_image(data, gif_target(LIMITS), source="dance.gif")
    out = Image.open(io.BytesIO(prepared.data))
    assert (prepared.ext, prepared.animated, prepared.warnings) == ("gif", True, ())
    assert out.n_frames == 3 and out.info.get("loop") == 0
    assert b"made by someone" not in prepared.data


def test_animated_gif_over_the_limit_keeps_only_its_first_frame_with_a_warning() -> None:
    data = animated_gif(4, size=(200, 150))
    target = ImageTarget("gif", len(data) - 1, ("gif", "jpeg", "png"))
    prepared = prepare_image(data, target, source="big.gif")
    assert prepared.ext in ("png", "jpg") and not prepared.animated
    assert prepared.warnings and "only its first frame is used" in prepared.warnings[0]
    assert "over" in prepared.warnings[0]
    assert opened(prepared.data).convert("RGB").tobytes() == opened(data).convert("RGB").tobytes()


def test_animation_refused_by_caller_or_target_gives_first_frame() -> None:
    data = animated_gif(2)
    for prepared in (
        prepare_image(data, gif_target(LIMITS), source="a.gif", allow_animation=False),
        prepare_image(data, BODY, source="a.gif"),
    ):
        assert prepared.ext == "png" and not prepared.animated
        assert "first frame" in prepared.warnings[0]


@pytest.mark.parametrize("size", [(300, 900), (2000, 500), (1080, 864), (50, 40)])
def test_card_image_is_exactly_1080_by_864(size: tuple[int, int]) -> None:
    image = noise(size)
    prepared = make_card_image(encode(image, "JPEG"), card_target(LIMITS), source="card.jpg")
    assert (prepared.width, prepared.height) == (1080, 864) == opened(prepared.data).size
    assert len(prepared.data) <= LIMITS.body_max_bytes


def test_card_through_prepare_image_and_from_svg() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 30"><rect width="10" height="30" fill="red"/></svg>'
    prepared = prepare_image(svg, card_target(LIMITS), source="card.svg")
    assert opened(prepared.data).size == (1080, 864)


def test_output_is_deterministic() -> None:
    data = encode(noise((1500, 1000), "RGBA"), "PNG")
    first = prepare_image(data, cover_target(LIMITS), source="x.png")
    second = prepare_image(data, cover_target(LIMITS), source="x.png")
    assert first.data == second.data and first.filename == second.filename
    assert first.filename == f"{first.sha256[:16]}.{first.ext}"


def test_decompression_bomb_is_refused() -> None:
    data = encode(Image.new("1", (10_000, 9_000)), "PNG")
    with pytest.raises(AssetError, match="bomb.png: too many pixels"):
        prepare_image(data, BODY, source="bomb.png")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"hello, not a picture", "not an image"),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "HEIC/HEIF (convert it to JPEG or PNG)"),
        (encode(noise((50, 50)), "PNG")[:200], "damaged or unreadable"),
    ],
)
def test_unreadable_inputs_are_asset_errors(data: bytes, expected: str) -> None:
    with pytest.raises(AssetError, match=r"^photo\.x: .*") as caught:
        prepare_image(data, BODY, source="photo.x")
    assert expected in str(caught.value)


@settings(max_examples=6)
@given(
    side=st.integers(65_501, 70_000),
    across=st.integers(1, 3),
    max_bytes=st.sampled_from([300, 64 * 1024]),
)
def test_a_side_longer_than_jpeg_allows_is_png_or_refused_never_a_crash(
    side: int, across: int, max_bytes: int
) -> None:
    """libjpeg cannot write a side over 65,500 px (a formula can be that tall): such a
    picture is tried as PNG only."""
    data = encode(noise((across, side), seed=side), "PNG")
    target = ImageTarget("body", max_bytes, ("jpeg", "png"), None)
    try:
        prepared = prepare_image(data, target, source="long.png")
    except AssetError as exc:
        assert "cannot be made to fit" in exc.message
    else:
        assert prepared.ext == "png" and len(prepared.data) <= max_bytes
