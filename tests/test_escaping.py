"""No value from a post becomes active markup in ``content.html`` or ``preview.html``.

Hostile strings go into every front-matter field, every kind of asset source (remote URL,
``data:`` URI, local path), image alt and title, mini-program card fields, links and the
site header/footer; the written files are parsed with an HTML parser and must hold no
element or attribute mdwx does not emit itself.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.build import build_post
from mdwx.preview.app import create_app
from mdwx.preview.page import SCRIPT as LIVE_SCRIPT
from mdwx.render.preview import SCRIPT as STATIC_SCRIPT
from mdwx.source.gate import collect_posts
from tests.factories import png_bytes, save_picture

PAYLOADS = [
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onerror="alert(1)',
    "' onload='alert(1)",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "<iframe src=javascript:alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><svg onload=alert(1)>",
    "<style>*{}</style>",
    "&quot; onmouseover=&quot;x",
    "<!--",
    "]]><x>",
    "{title}",
    '" autofocus onfocus="x',
    '<a href="javascript:x">y</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=x>",
]
APPID = "wx" + "0123456789abcdef"
ACTIVE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "frame",
    "frameset",
    "svg",
    "math",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "link",
    "meta",
    "base",
    "style",
    "template",
    "video",
    "audio",
    "source",
    "noscript",
    "portal",
    "applet",
}
URL_ATTRS = {
    "href",
    "src",
    "data-src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "data-miniprogram-imageurl",
}

hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.lists(
        st.sampled_from(PAYLOADS + ["a", " ", '"', "'", "<", ">", "&", "="]), min_size=1, max_size=6
    ).map("".join),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
)


def _url_safe(text: str) -> str:
    """A string that stays one Markdown link destination inside ``<…>``."""
    return re.sub(r"[<>\n\r\\]", "", text)


def _card_safe(text: str, limit: int = 35) -> str:
    """A card title as a writer would give one: whitespace folded, at most ``limit``
    characters, none at either end."""
    return " ".join(text.split())[:limit].strip() or "x"


def _tiny_png() -> str:
    return base64.b64encode(png_bytes((2, 2), (200, 0, 0))).decode("ascii")


TINY_PNG = _tiny_png()


def write_site(root: Path, value: str) -> Path:
    save_picture(root / "cover.png", (20, 20), (0, 90, 200))
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "header.md").write_text("{title} · {author} · {digest}\n", "utf-8")
    (root / "templates" / "footer.md").write_text("[src]({source_url}) {slug}\n", "utf-8")
    (root / "mdwx.toml").write_text(
        'header = "templates/header.md"\nfooter = "templates/footer.md"\nlink_policy = "keep"\n',
        "utf-8",
    )
    url = _url_safe(value)
    # Clipped to WeChat's limits (title 64, author 16, digest 120), or the post is refused.
    front = {
        "title": value[:64] or "t",
        "author": value[:16],
        "digest": value[:120],
        "source_url": "https://example.com/" + url,
        "cover": "cover.png",
        "tags": [value],
    }
    card = yaml.safe_dump(
        {
            "appid": APPID,
            "path": value or "p",
            "title": _card_safe(value),
            "image": f"https://example.com/{url}",
        },
        allow_unicode=True,
    )
    body = "\n\n".join(
        [
            f"Text {value}",
            f'![{url}](<https://example.com/{url}.png> "{url.replace(chr(34), "")}")',
            # A valid picture whose media-type parameter carries the value: check decodes data:
            # images, so the value must ride where the URI stays valid and is still inserted.
            f"![x](<data:image/png;x={url.replace(',', '')};base64,{TINY_PNG}>)",
            f"![x](<//example.com/{url}>)",
            f"[{url}](<{url}>) and [y](<https://example.com/{url}>)",
            f"```miniprogram\n{card}```",
            f'<p title="{value.replace(chr(34), "")}">raw {value}</p>',
        ]
    )
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body + "\n"
    post = root / "post.md"
    post.write_text(text, "utf-8")
    return post


def active_markup(page: str, *, preview: bool) -> list[str]:
    """Every element, attribute or URL in ``page`` that could run code, minus mdwx's own."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    for tag in soup.find_all(True):
        name = tag.name.lower()
        if name in ACTIVE_TAGS and not _own(tag, preview):
            found.append(f"<{name}>")
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on"):
                found.append(f"{name}[{attribute}]")
            if attribute.lower() in URL_ATTRS:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    found.append(f"{name}[{attribute}={value[:30]}]")
    return found


def _own(tag, preview: bool) -> bool:
    """The few active elements mdwx writes itself."""
    if tag.name == "iframe":
        return "video_iframe" in tag.get("class", []) and tag.get("data-src", "").startswith(
            "https://mp.weixin.qq.com/"
        )
    if not preview:
        return False
    if tag.name == "script":  # exactly the static page's or the live page's own
        return tag.string in (STATIC_SCRIPT, LIVE_SCRIPT) and not tag.attrs
    if tag.name in ("style", "meta"):
        return tag.parent is not None and tag.parent.name == "head"
    return (tag.name, tag.get("id")) in (("input", "dark"), ("button", "copy"))


@settings(max_examples=60)
@given(value=hostile)
def test_hostile_values_never_become_markup(tmp_path_factory, value: str) -> None:
    root = tmp_path_factory.mktemp("site")
    post = write_site(root, value)
    report = build_post(collect_posts([post])[0], root / "out")
    if report.error is not None:  # refused with a clear error is safe too
        assert "\n" not in str(report.error)
        return
    pages = {p.name: p.read_text("utf-8") for p in report.outputs}
    assert active_markup(pages["content.html"], preview=False) == []
    assert active_markup(pages["preview.html"], preview=True) == []
    soup = BeautifulSoup(pages["preview.html"], "html.parser")
    assert len(soup.find_all("script")) == 1


def test_the_reported_quote_in_a_data_uri_and_card_stays_inside_its_attribute(
    tmp_path: Path,
) -> None:
    post = write_site(tmp_path, '"><script>alert(1)</script>')
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    assert report.error is None, report.error
    for page in report.outputs:
        text = page.read_text("utf-8")
        assert active_markup(text, preview=page.name == "preview.html") == []
        # The payload survives as text or inside a quoted attribute, never as an element.
        assert BeautifulSoup(text, "html.parser").find("script", string=re.compile("alert")) is None


# A card whose fields are hostile and nothing else is: the rest of the post stays valid, so
# the property reaches the preview's card stand-in every time (the reported hole).
card_text = st.one_of(
    st.sampled_from(PAYLOADS + ["<img src=x onerror=alert(4)//"]),
    st.lists(
        st.sampled_from(PAYLOADS + ["<", ">", "&", '"', "'", "x"]), min_size=1, max_size=3
    ).map("".join),
)


def write_card_post(root: Path, front: dict[str, str], card: dict[str, str]) -> Path:
    save_picture(root / "cover.png", (20, 20), (0, 90, 200))
    fields = {"title": "T", "cover": "cover.png", **front}
    block = yaml.safe_dump(
        {"appid": APPID, "image": "https://example.com/c.png", **card}, allow_unicode=True
    )
    post = root / "post.md"
    post.write_text(
        "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n\nHello\n\n"
        f"```miniprogram\n{block}```\n",
        "utf-8",
    )
    return post


def served_page(post: Path) -> httpx.Response:
    app = create_app(post, watch_files=False)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8760"
        ) as client:
            return await client.get("/")

    return asyncio.run(go())


@settings(max_examples=40)
@given(title=card_text, path=card_text, post_title=card_text, author=card_text, digest=card_text)
def test_hostile_card_and_front_matter_never_become_markup_in_any_page(
    tmp_path_factory, title: str, path: str, post_title: str, author: str, digest: str
) -> None:
    root = tmp_path_factory.mktemp("card")
    post = write_card_post(
        root,
        {"title": post_title[:64], "author": author[:16], "digest": digest[:120]},
        {"title": _card_safe(title, 35), "path": path},
    )
    report = build_post(collect_posts([post])[0], root / "out")
    assert report.error is None, report.error
    pages = {p.name: p.read_text("utf-8") for p in report.outputs}
    assert active_markup(pages["content.html"], preview=False) == []
    assert active_markup(pages["preview.html"], preview=True) == []
    served = served_page(post)
    assert served.status_code == 200
    assert active_markup(served.text, preview=True) == []
    # The card's title is shown as text, exactly as written.
    card = BeautifulSoup(pages["preview.html"], "html.parser").find(
        "section", style=re.compile("border:1px")
    )
    assert card is not None and card.p.get_text() == _card_safe(title, 35)


def test_the_reported_card_title_is_text_in_every_page(tmp_path: Path) -> None:
    payload = "<img src=x onerror=alert(4)//"
    post = write_card_post(tmp_path, {}, {"title": payload, "path": "pages/index"})
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    preview = (tmp_path / "out" / "post" / "preview.html").read_text("utf-8")
    assert report.error is None and active_markup(preview, preview=True) == []
    assert payload in BeautifulSoup(preview, "html.parser").get_text()
    assert active_markup(served_page(post).text, preview=True) == []


def _script_hashes(policy: str) -> set[str]:
    return set(re.findall(r"'sha256-([^']+)'", policy))


def _hash(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def test_every_page_allows_only_its_own_script(tmp_path: Path) -> None:
    post = write_card_post(tmp_path, {}, {"title": "t", "path": "p"})
    build_post(collect_posts([post])[0], tmp_path / "out")
    static = BeautifulSoup(
        (tmp_path / "out" / "post" / "preview.html").read_text("utf-8"), "html.parser"
    )
    policy = static.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    scripts = [s.string for s in static.find_all("script")]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert _script_hashes(policy) == {_hash(s) for s in scripts} and len(scripts) == 1
    served = served_page(post)
    header = served.headers["content-security-policy"]
    page_scripts = [s.string for s in BeautifulSoup(served.text, "html.parser").find_all("script")]
    assert _script_hashes(header) == {_hash(s) for s in page_scripts} and len(page_scripts) == 1
    assert "frame-ancestors 'none'" in header and "default-src 'none'" in header


@pytest.mark.parametrize(
    "headers, allowed",
    [
        ({"origin": "http://127.0.0.1:8760", "sec-fetch-site": "same-origin"}, True),
        ({}, True),  # a tool (curl) sends neither
        ({"sec-fetch-site": "cross-site"}, False),
        ({"sec-fetch-site": "same-site"}, False),  # another port of this machine
        ({"origin": "http://127.0.0.1:9999"}, False),
        ({"origin": "null"}, False),
    ],
)
def test_copy_refuses_requests_from_other_sites(
    tmp_path: Path, headers: dict[str, str], allowed: bool
) -> None:
    app = create_app(write_card_post(tmp_path, {}, {"title": "t", "path": "p"}), watch_files=False)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8760"
        ) as client:
            return await client.post("/copy", headers=headers)

    assert (asyncio.run(go()).status_code == 200) is allowed
