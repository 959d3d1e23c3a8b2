"""Sandbox image uploads: add_material (image/thumb), uploadimg, serving /mmbiz."""

from __future__ import annotations

import httpx
import pytest

from mdwx.sandbox import SandboxServer

from .sandbox_helpers import MB, Api, api_fixture, big_png, image_bytes, sandbox_fixture  # noqa: F401


def test_add_material_returns_media_id_and_a_served_url(api: Api) -> None:
    data = image_bytes("PNG", (30, 20))
    body = api.upload("material/add_material", "cover.png", data, type="image")
    assert body["url"].startswith(api.sb.base_url + "/mmbiz/")
    served = httpx.get(body["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == data
    (record,) = api.sb.store.images()
    assert (record.kind, record.media_id, record.width, record.height) == (
        "image",
        body["media_id"],
        30,
        20,
    )


def test_thumb_accepts_small_jpeg_only(api: Api) -> None:
    ok = api.upload("material/add_material", "t.jpg", image_bytes("JPEG"), type="thumb")
    assert ok["media_id"]
    png = api.upload("material/add_material", "t.png", image_bytes("PNG"), type="thumb")
    assert png["errcode"] == 40113
    big = api.upload("material/add_material", "t.jpg", big_png(65 * 1024, "JPEG"), type="thumb")
    assert big["errcode"] == 40006


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("photo", image_bytes("PNG"), 40113),  # no extension
        ("photo.webp", image_bytes("WEBP"), 40113),
        ("photo.jpg", image_bytes("PNG"), 40005),  # PNG bytes named .jpg
        ("photo.png", b"not an image at all", 40005),
        ("photo.png", b"", 41005),
    ],
)
def test_add_material_rejections(api: Api, filename: str, data: bytes, code: int) -> None:
    assert api.upload("material/add_material", filename, data, type="image")["errcode"] == code
    assert api.sb.store.images() == []


def test_missing_media_field_is_41005(api: Api) -> None:
    r = api.http.post(
        "/cgi-bin/material/add_material",
        params={"access_token": api.token, "type": "image"},
        files={"file": ("a.png", image_bytes())},
    )
    assert r.json()["errcode"] == 41005
    r = api.http.post(
        "/cgi-bin/media/uploadimg", params={"access_token": api.token}, content=image_bytes()
    )
    assert r.json()["errcode"] == 41005


def test_cover_size_limit_is_40009(api: Api) -> None:
    api.sb.configure(cover_max_bytes=50_000)
    body = api.upload("material/add_material", "c.png", big_png(60_000), type="image")
    assert body["errcode"] == 40009


def test_unknown_material_type(api: Api) -> None:
    body = api.upload("material/add_material", "c.png", image_bytes(), type="voice")
    assert body["errcode"] == 40004


def test_uploadimg_answers_json_as_text_plain(api: Api) -> None:
    r = api.http.post(
        "/cgi-bin/media/uploadimg",
        params={"access_token": api.token},
        files={"media": ("a.gif", image_bytes("GIF"))},
    )
    assert r.headers["content-type"].startswith("text/plain")
    url = r.json()["url"]
    assert httpx.get(url).headers["content-type"] == "image/gif"
    assert api.sb.store.image_urls() == [url]
    assert api.sb.store.images()[0].media_id is None


def test_uploadimg_strict_mode_takes_only_jpg_png_up_to_1mb(api: Api) -> None:
    api.sb.configure(body_image_strict=True)
    assert api.upload("media/uploadimg", "a.gif", image_bytes("GIF"))["errcode"] == 40113
    assert api.upload("media/uploadimg", "a.png", big_png(MB + 10))["errcode"] == 40009
    assert "url" in api.upload("media/uploadimg", "a.jpg", image_bytes("JPEG"))
    api.sb.configure(body_image_strict=False)
    assert "url" in api.upload("media/uploadimg", "a.png", big_png(MB + 10))


def test_uploadimg_size_limit(api: Api) -> None:
    api.sb.configure(body_image_max_bytes=10_000)
    assert api.upload("media/uploadimg", "a.png", big_png(20_000))["errcode"] == 40009


def test_uploads_need_a_token(sandbox: SandboxServer) -> None:
    r = httpx.post(
        f"{sandbox.base_url}/cgi-bin/media/uploadimg", files={"media": ("a.png", image_bytes())}
    )
    assert r.json()["errcode"] == 41001


def test_unknown_image_is_404(sandbox: SandboxServer, api: Api) -> None:
    url = api.body_image()
    assert httpx.get(url.replace(".png", ".jpg")).status_code == 404
    assert httpx.get(f"{sandbox.base_url}/mmbiz/{'0' * 32}.png").status_code == 404
