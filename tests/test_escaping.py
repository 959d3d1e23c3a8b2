"""No value from a post becomes active markup in ``content.html`` or ``preview.html``.

Hostile strings go into every front-matter field, every kind of asset source (remote URL,
``data:`` URI, local path), image alt and title, mini-program card fields, links and the
site header/footer; the written files are parsed with an HTML parser and must hold no
element or attribute mdwx does not emit itself.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.build import build_post
from mdwx.source.posts import collect_posts
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
    "\" autofocus onfocus=\"x",
    "<a href=\"javascript:x\">y</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=x>",
]
APPID = "wx" + "0123456789abcdef"
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "svg", "math",
               "form", "input", "button", "textarea", "select", "link", "meta", "base", "style",
               "template", "video", "audio", "source", "noscript", "portal", "applet"}
URL_ATTRS = {"href", "src", "data-src", "action", "formaction", "xlink:href", "poster",
             "background", "data-miniprogram-imageurl"}

hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.lists(st.sampled_from(PAYLOADS + ["a", " ", '"', "'", "<", ">", "&", "="]), min_size=1,
             max_size=6).map("".join),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
)


def _url_safe(text: str) -> str:
    """A string that stays one Markdown link destination inside ``<…>``."""
    return re.sub(r"[<>\n\r\\]", "", text)


def _card_safe(text: str, limit: int = 35) -> str:
    return " ".join(text.split())[:limit] or "x"


def _tiny_png() -> str:
    return base64.b64encode(png_bytes((2, 2), (200, 0, 0))).decode("ascii")


TINY_PNG = _tiny_png()


def write_site(root: Path, value: str) -> Path:
    save_picture(root / "cover.png", (20, 20), (0, 90, 200))
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "header.md").write_text("{title} · {author} · {digest}\n", "utf-8")
    (root / "templates" / "footer.md").write_text("[src]({source_url}) {slug}\n", "utf-8")
    (root / "mdwx.toml").write_text(
        'header = "templates/header.md"\nfooter = "templates/footer.md"\n'
        "link_policy = \"keep\"\n", "utf-8")
    url = _url_safe(value)
    # Clipped to WeChat's limits (title 64, author 16, digest 120), or the post is refused.
    front = {"title": value[:64] or "t", "author": value[:16], "digest": value[:120],
             "source_url": "https://example.com/" + url,
             "cover": "cover.png", "tags": [value]}
    card = yaml.safe_dump({"appid": APPID, "path": value or "p", "title": _card_safe(value),
                           "image": f"https://example.com/{url}"}, allow_unicode=True)
    body = "\n\n".join([
        f"Text {value}",
        f"![{url}](<https://example.com/{url}.png> \"{url.replace(chr(34), '')}\")",
        # A valid picture whose media-type parameter carries the value: check decodes data:
        # images, so the value must ride where the URI stays valid and is still inserted.
        f"![x](<data:image/png;x={url.replace(',', '')};base64,{TINY_PNG}>)",
        f"![x](<//example.com/{url}>)",
        f"[{url}](<{url}>) and [y](<https://example.com/{url}>)",
        f"```miniprogram\n{card}```",
        f"<p title=\"{value.replace(chr(34), '')}\">raw {value}</p>",
    ])
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
            "https://mp.weixin.qq.com/")
    if not preview:
        return False
    if tag.name == "script":
        return "getElementById(\"dark\")" in tag.get_text()
    if tag.name in ("style", "meta"):
        return tag.parent is not None and tag.parent.name == "head"
    return tag.name == "input" and tag.get("id") == "dark"


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


def test_the_reported_quote_in_a_data_uri_and_card_stays_inside_its_attribute(tmp_path: Path) -> None:
    post = write_site(tmp_path, '"><script>alert(1)</script>')
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    assert report.error is None, report.error
    for page in report.outputs:
        text = page.read_text("utf-8")
        assert active_markup(text, preview=page.name == "preview.html") == []
        # The payload survives as text or inside a quoted attribute, never as an element.
        assert BeautifulSoup(text, "html.parser").find("script", string=re.compile("alert")) is None
