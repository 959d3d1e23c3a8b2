"""The live preview's server: the page, its JSON, change events, errors, copy, safety."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.api import Options
from mdwx.preview import PreviewServer
from mdwx.preview.app import create_app
from mdwx.preview.page import SCRIPT, render_page
from mdwx.preview.snapshot import Snapshot
from tests.cli_helpers import mdwx
from tests.factories import default_sigint
from tests.hang import HANG_SECONDS
from tests.preview_helpers import code_tour_with_pictures, sample_site

BASE = "http://127.0.0.1:8760"


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "WECHAT_APPID",
        "WECHAT_APPSECRET",
        "WECHAT_ACCESS_TOKEN",
        "MDWX_API_BASE",
        "MDWX_STATE",
    ):
        monkeypatch.delenv(name, raising=False)


def call(app, method: str, path: str, **kwargs) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE
        ) as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def test_page_shows_the_article_with_pictures_inline_and_no_credentials_note(
    tmp_path: Path,
) -> None:
    post = code_tour_with_pictures(tmp_path)
    app = create_app(post, watch_files=False)
    page = call(app, "GET", "/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert (
        page.headers["x-frame-options"] == "DENY"
        and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    )
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1.get_text() == "A short tour of code blocks"
    article = soup.find(id="article")
    sources = [img["src"] for img in article.find_all("img")]
    assert [s.split(";")[0] for s in sources] == [
        "data:image/webp",
        "data:image/svg+xml",
        "data:image/png",
    ]
    assert "def" in article.get_text() and "greet" in article.get_text()
    assert soup.find(id="copy").get_text() == "Copy for the WeChat editor"
    assert "local pictures" in soup.find(id="notes").get_text()
    document = call(app, "GET", "/article.json").json()
    assert (
        document["version"] == 1
        and document["error"] is None
        and f'id="article">{document["html"]}</div>' in page.text
    )


def test_page_lists_the_checks_warnings(tmp_path: Path) -> None:
    post = sample_site(tmp_path) / "posts" / "release-notes.md"
    text = post.read_text("utf-8")
    post.write_text(text.replace("---\n", "---\ntitel: typo\n", 1), "utf-8")
    app = create_app(post, watch_files=False)
    notes = BeautifulSoup(call(app, "GET", "/").text, "html.parser").find(id="notes")
    warnings = [p.get_text() for p in notes.find_all("p", class_="warning")]
    assert any("titel" in w and "title" in w for w in warnings), warnings
    assert call(app, "GET", "/article.json").json()["warnings"] == [
        w.removeprefix("warning: ") for w in warnings
    ]


def test_a_broken_post_shows_its_error_and_recovers_when_fixed(tmp_path: Path) -> None:
    post = sample_site(tmp_path) / "posts" / "hello-mdwx.md"
    good = post.read_text("utf-8")
    post.write_text(good.replace("../media/photo.jpg", "../media/missing.jpg"), "utf-8")
    app = create_app(post, watch_files=False)
    page = call(app, "GET", "/")
    assert page.status_code == 200
    error = BeautifulSoup(page.text, "html.parser").find("p", class_="error").get_text()
    assert error.startswith(f"{post}:22: ") and "missing.jpg" in error
    copied = call(app, "POST", "/copy").json()
    assert copied["html"] == "" and copied["error"] == f"nothing to copy: {error}"
    post.write_text(good, "utf-8")
    asyncio.run(app.state.hub.rebuild())
    document = call(app, "GET", "/article.json").json()
    assert (
        document["version"] == 2
        and document["error"] is None
        and "data:image/jpeg" in document["html"]
    )


def test_a_broken_site_config_is_shown_not_raised(tmp_path: Path) -> None:
    site = sample_site(tmp_path)
    (site / "mdwx.toml").write_text('theme = "no-such-theme"\n', "utf-8")
    app = create_app(site / "posts" / "release-notes.md", watch_files=False)
    document = call(app, "GET", "/article.json").json()
    assert "unknown theme 'no-such-theme'" in document["error"] and document["html"] == ""


def test_requests_for_another_host_are_refused(tmp_path: Path) -> None:
    app = create_app(sample_site(tmp_path) / "posts" / "release-notes.md", watch_files=False)
    assert call(app, "GET", "/", headers={"host": "attacker.example"}).status_code == 400
    assert call(app, "GET", "/", headers={"host": "localhost:8760"}).status_code == 200


def test_copy_refuses_a_request_from_another_site(tmp_path: Path) -> None:
    app = create_app(sample_site(tmp_path) / "posts" / "release-notes.md", watch_files=False)
    assert (
        call(app, "POST", "/copy", headers={"origin": "https://attacker.example"}).status_code
        == 403
    )
    copied = call(app, "POST", "/copy", headers={"origin": BASE})
    assert copied.status_code == 200 and copied.json()["hosted"] is False


_DATA_URI = re.compile(r'src="data:([^;"]+);base64,([^"]+)"')


def test_copy_without_credentials_is_the_article_shown_with_the_pictures_publish_uploads(
    tmp_path: Path,
) -> None:
    """Not the camera's original nor a WebP: what ``media/uploadimg`` would get (JPEG/PNG,
    within the width and byte limits), byte for byte; the rest is the article shown."""
    import io

    from PIL import Image

    from mdwx.assets.imaging import body_target, prepare_image
    from mdwx.config import ImageLimits

    post = code_tour_with_pictures(tmp_path)
    photo = post.parent.parent / "media" / "photo.jpg"
    Image.effect_noise((3000, 2000), 60).convert("RGB").save(photo, quality=95)
    post.write_text(post.read_text("utf-8") + "\n![照片](../media/photo.jpg)\n", "utf-8")
    app = create_app(post, watch_files=False)
    copied = call(app, "POST", "/copy").json()
    shown = call(app, "GET", "/article.json").json()["html"]
    assert copied["hosted"] is False and copied["error"] is None
    shown = re.sub(r' data-dm="\d+"', "", shown)  # the preview's dark-mode marks: never copied
    assert _DATA_URI.sub("", copied["html"]) == _DATA_URI.sub("", shown)
    pictures = _DATA_URI.findall(copied["html"])
    assert len(pictures) == 4 and "image/webp" in {mime for mime, _ in _DATA_URI.findall(shown)}
    limits = ImageLimits()
    for mime, encoded in pictures:
        data = base64.b64decode(encoded)
        assert mime in ("image/jpeg", "image/png") and len(data) <= limits.body_max_bytes
        assert Image.open(io.BytesIO(data)).width <= limits.max_width
    expected = prepare_image(photo.read_bytes(), body_target(limits), source="photo.jpg").data
    assert base64.b64decode(pictures[-1][1]) == expected


def test_copy_with_the_sandbox_uploads_pictures_once(tmp_path: Path) -> None:
    post = code_tour_with_pictures(tmp_path)
    app = create_app(post, options=Options(sandbox=True, sandbox_port=0), watch_files=False)

    async def go() -> tuple[dict, dict]:
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=BASE
            ) as client:
                first = (await client.post("/copy")).json()
                second = (await client.post("/copy")).json()
            return first, second
        finally:
            await app.state.copier.aclose()

    first, second = asyncio.run(go())
    assert first["error"] is None and first["hosted"] is True
    assert (first["uploaded"], first["reused"]) == (3, 0) and (
        second["uploaded"],
        second["reused"],
    ) == (0, 3)
    sources = re.findall(r'<img[^>]*\ssrc="([^"]+)"', first["html"])
    assert len(sources) == 3 and all(s.startswith("http://127.0.0.1:") for s in sources)
    assert "data:" not in first["html"] and first["html"] == second["html"]
    notes = call(app, "GET", "/article.json").json()["notes"]
    assert not any("credentials" in n for n in notes)


def test_video_is_served_from_the_site_and_left_out_of_the_copy(tmp_path: Path) -> None:
    app = create_app(sample_site(tmp_path) / "posts" / "media-gallery.md", watch_files=False)
    document = call(app, "GET", "/article.json").json()
    key = re.search(r'<video [^>]*src="/media/([^"]+)"', document["html"]).group(1)
    served = call(app, "GET", f"/media/{key}")
    assert (
        served.status_code == 200
        and served.content == (tmp_path / "site/media/clip.mp4").read_bytes()
    )
    assert call(app, "GET", "/media/nothing").status_code == 404
    assert any("clip.mp4" in n for n in document["notes"])
    assert "video_iframe" not in call(app, "POST", "/copy").json()["html"]


def test_events_announce_a_new_version_when_the_post_changes(tmp_path: Path) -> None:
    post = sample_site(tmp_path) / "posts" / "release-notes.md"
    with (
        PreviewServer(post, port=0) as server,
        httpx.stream("GET", server.url + "events", timeout=httpx.Timeout(10.0)) as events,
    ):
        assert events.headers["content-type"].startswith("text/event-stream")
        lines = events.iter_lines()
        assert _next_event(lines) == "1"  # on connecting: the version shown now
        post.write_text(post.read_text("utf-8") + "\nA NEW LINE WRITTEN LIVE\n", "utf-8")
        assert _next_event(lines) == "2"
        document = httpx.get(server.url + "article.json").json()
        assert "A NEW LINE WRITTEN LIVE" in document["html"]


def test_events_follow_a_theme_chosen_in_the_site_config(tmp_path: Path) -> None:
    site = sample_site(tmp_path)
    post = site / "posts" / "release-notes.md"
    with (
        PreviewServer(post, port=0) as server,
        httpx.stream("GET", server.url + "events", timeout=httpx.Timeout(10.0)) as events,
    ):
        lines = events.iter_lines()
        assert _next_event(lines) == "1"
        before = server.snapshot.html
        config = site / "mdwx.toml"
        config.write_text(
            config.read_text("utf-8").replace('theme = "default"', 'theme = "elegant"'), "utf-8"
        )
        assert _next_event(lines) == "2"
        assert server.snapshot.error is None and server.snapshot.html != before


def test_events_follow_a_picture_replaced_on_disk(tmp_path: Path) -> None:
    post = sample_site(tmp_path) / "posts" / "hello-mdwx.md"
    with (
        PreviewServer(post, port=0) as server,
        httpx.stream("GET", server.url + "events", timeout=httpx.Timeout(10.0)) as events,
    ):
        lines = events.iter_lines()
        assert _next_event(lines) == "1"
        before = server.snapshot.html
        photo = tmp_path / "site/media/photo.jpg"
        photo.write_bytes((tmp_path / "site/media/cover-hello.jpg").read_bytes())
        assert _next_event(lines) == "2"
        assert server.snapshot.html != before
        assert base64.b64encode(photo.read_bytes()).decode() in server.snapshot.html


def test_events_follow_an_edited_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mdwx.render import themes

    templates = tmp_path / "templates"
    shutil.copytree(themes.templates_dir(), templates)
    monkeypatch.setattr(themes, "templates_dir", lambda: templates)
    post = sample_site(tmp_path) / "posts" / "release-notes.md"
    try:
        with (
            PreviewServer(post, port=0) as server,
            httpx.stream("GET", server.url + "events", timeout=httpx.Timeout(10.0)) as events,
        ):
            lines = events.iter_lines()
            assert _next_event(lines) == "1"
            assert "#abcdef" not in server.snapshot.html
            css = templates / "default.css"
            css.write_text(css.read_text("utf-8") + "\nh2 { color: #abcdef; }\n", "utf-8")
            assert _next_event(lines) == "2"
            assert server.snapshot.error is None and "color:#abcdef" in server.snapshot.html
    finally:
        themes.load_named_theme.cache_clear()


def _next_event(lines) -> str:
    """The data of the next ``update`` event (the stream's read timeout bounds the wait)."""
    event = None
    for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == "update":
            return line.removeprefix("data: ")
    raise AssertionError("the event stream ended")


hostile = st.lists(
    st.sampled_from(
        list("<>&\"'/= ascriptonload{}\n")
        + ["<script>", "</textarea>", "-->", "<img src=x onerror=alert(1)>"]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=120)
@given(title=hostile, author=hostile, warning=hostile, error=hostile, note=hostile)
def test_text_from_the_post_never_becomes_markup_on_the_page(
    tmp_path: Path, title: str, author: str, warning: str, error: str, note: str
) -> None:
    snapshot = Snapshot(
        version=3,
        path=tmp_path / "p.md",
        title=title,
        author=author,
        digest=title,
        html="<section>body</section>",
        warnings=[warning],
        error=error or None,
    )
    soup = BeautifulSoup(render_page(snapshot, [note]), "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and scripts[0].string.strip() == SCRIPT.strip()
    assert all(not a.lower().startswith("on") for tag in soup.find_all(True) for a in tag.attrs)
    assert [t.name for t in soup.find(id="article").find_all(True)] == ["section"]

    def folded(text: str) -> str:  # text, not markup: compared as HTML shows white space
        return " ".join(text.split())

    assert folded(soup.find("h1").get_text()) == folded(title)
    assert folded(soup.find(class_="by").get_text()) == folded(author)
    # Text, not markup: compared with runs of white space folded, as HTML shows them.
    texts = [folded(p.get_text()) for p in soup.find(id="notes").find_all("p")]
    shown = ([error] if error else []) + [f"warning: {warning}", note]
    assert texts == [folded(text) for text in shown]


def test_mdwx_preview_serves_until_interrupted(tmp_path: Path) -> None:
    post = sample_site(tmp_path) / "posts" / "release-notes.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
    # -X faulthandler: a hang is answered with SIGABRT, which prints every thread's stack.
    process = subprocess.Popen(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-m",
            "mdwx",
            "preview",
            str(post),
            "--no-open",
            "--port",
            "0",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=default_sigint,
    )
    try:
        first = process.stderr.readline()
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", first).group(1)
        assert httpx.get(url).status_code == 200
        process.send_signal(signal.SIGINT)
        try:
            _, rest = process.communicate(timeout=HANG_SECONDS)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            pytest.fail(
                "mdwx preview did not stop on SIGINT; its threads:\n"
                + process.communicate(timeout=HANG_SECONDS)[1]
            )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0 and "mdwx preview stopped" in rest and "Traceback" not in rest


def test_mdwx_preview_on_a_taken_port_is_a_usage_error(tmp_path: Path) -> None:
    post = sample_site(tmp_path) / "posts" / "release-notes.md"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "mdwx", "preview", str(post), "--no-open", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=HANG_SECONDS,
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"mdwx: error: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(pick another --port, or --port 0 for any free one)"
    ]


def test_static_preview_still_writes_the_page(tmp_path: Path) -> None:
    post = sample_site(tmp_path) / "posts" / "release-notes.md"
    result = mdwx("preview", str(post), "--static", "--no-open")  # nothing served: in-process
    assert result.returncode == 0, result.stderr
    page = tmp_path / "site/.mdwx/preview/release-notes/preview.html"
    assert page.is_file() and "width: 390px" in page.read_text("utf-8")
    assert json.dumps(str(page))[1:-1] in result.stderr
