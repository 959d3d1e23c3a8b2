"""Shared pieces for the sandbox tests: a running sandbox, a thin httpx caller, sample
images and a chunked video upload. Plain httpx over loopback — no mdwx client — so these
tests pin the sandbox's wire behaviour on their own."""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from mdwx.sandbox import SandboxServer
from tests import factories

# image_bytes lives in tests.factories; sandbox tests import it from here too.
from tests.factories import image_bytes  # noqa: F401

FAST = {"review_seconds": 0.05, "video_review_seconds": 0.06}
MB = 1024 * 1024


def big_png(min_bytes: int, fmt: str = "PNG") -> bytes:
    """An image of at least ``min_bytes`` (random pixels do not compress)."""
    side = int((min_bytes / 3) ** 0.5) + 16
    while True:
        img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buf = io.BytesIO()
        img.save(buf, fmt, **({"compress_level": 0} if fmt == "PNG" else {"quality": 100}))
        if len(buf.getvalue()) >= min_bytes:
            return buf.getvalue()
        side = side * 3 // 2


class Api:
    """Calls the sandbox like a WeChat client would, with a token in the query string."""

    def __init__(self, sb: SandboxServer) -> None:
        self.sb = sb
        self.http = httpx.Client(base_url=sb.base_url, timeout=60)  # bounds a hang only
        self.token = self.fetch_token()

    def fetch_token(self) -> str:
        r = self.http.get(
            "/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self.sb.appid,
                "secret": self.sb.secret,
            },
        )
        return str(r.json()["access_token"])

    def post(self, path: str, body: Any = None, **params: Any) -> dict[str, Any]:
        params.setdefault("access_token", self.token)
        content = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        r = self.http.post(f"/cgi-bin/{path}", params=params, content=content)
        return dict(r.json())

    def upload(self, path: str, filename: str, data: bytes, **params: Any) -> dict[str, Any]:
        params.setdefault("access_token", self.token)
        r = self.http.post(f"/cgi-bin/{path}", params=params, files={"media": (filename, data)})
        return dict(r.json())

    def body_image(self, fmt: str = "PNG") -> str:
        ext = "jpg" if fmt == "JPEG" else fmt.lower()
        return str(self.upload("media/uploadimg", f"x.{ext}", image_bytes(fmt))["url"])

    def cover(self) -> str:
        res = self.upload("material/add_material", "c.jpg", image_bytes("JPEG"), type="image")
        return str(res["media_id"])

    def article(self, thumb: str, **fields: Any) -> dict[str, Any]:
        art = {"title": "标题", "thumb_media_id": thumb, "content": "<p>正文</p>"}
        art.update(fields)
        return art

    def uploadnews(self, **fields: Any) -> dict[str, Any]:
        thumb = fields.pop("thumb_media_id", None) or self.cover()
        return self.post("publish/uploadnews", {"articles": [self.article(thumb, **fields)]})

    def video(self, data: bytes, block: int = MB) -> str:
        """Upload ``data`` through the four steps; returns the vid (not yet saved)."""
        vid = self.post(
            "material/upload_video",
            {
                "filename": "v.mp4",
                "filesha": hashlib.sha1(data).hexdigest(),
                "filesize": len(data),
            },
            action="init_upload",
        )["vid"]
        for num, start in enumerate(range(0, len(data), block), 1):
            self.block(vid, num, data[start : start + block])
        assert self.post("material/upload_video", action="upload_finish", vid=vid)["ret"] == 0
        return str(vid)

    def block(self, vid: str, num: int, chunk: bytes, sha: str | None = None) -> dict[str, Any]:
        r = self.http.post(
            "/cgi-bin/material/upload_video",
            content=chunk,
            params={
                "access_token": self.token,
                "action": "upload_block",
                "vid": vid,
                "part_sha": sha or hashlib.sha1(chunk).hexdigest(),
                "part_num": num,
            },
            headers={"Content-Type": "application/octet-stream"},
        )
        return dict(r.json())

    def save_video(self, vid: str, **fields: Any) -> dict[str, Any]:
        body = {
            "title": "clip",
            "video_desc": "",
            "content": vid,
            "declare_ori": 0,
            "newcat": "科技",
            "newsbcat": "互联网",
            "tags": ["a"],
        }
        body.update(fields)
        return self.post("material/upload_video", body, action="save_video")


def poll(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Call ``check`` until it returns something truthy; fail the test after ``timeout``,
    which only bounds a hang (a busy machine may take seconds), it is no window to meet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.01)
    pytest.fail("condition not reached in time")


# Registered under the names tests use; import the *_fixture functions into a test module.
@pytest.fixture(name="sandbox")
def sandbox_fixture() -> Iterator[SandboxServer]:
    with factories.sandbox(**FAST) as sb:
        yield sb


@pytest.fixture(name="api")
def api_fixture(sandbox: SandboxServer) -> Iterator[Api]:
    client = Api(sandbox)
    yield client
    client.http.close()
