"""The live preview in a real headless browser (Debian's chromium, driven by Playwright).

At a phone's width (390 px): the page never scrolls sideways, every picture loads, code
blocks scroll sideways instead of wrapping; an edit to the post shows without a reload;
the dark toggle darkens the page; the copy button puts the article's HTML on the
clipboard. A screenshot of each state is saved in the test's tmp folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from mdwx.preview import PreviewServer
from tests.preview_helpers import code_tour_with_pictures

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 10_000  # bound on each wait for the page

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)

CODE_BLOCKS = """Array.from(document.querySelectorAll('#article [style*="white-space:nowrap"]')).map(e => {
  const s = getComputedStyle(e);
  return {text: e.textContent, whiteSpace: s.whiteSpace, overflowX: s.overflowX,
          scrollWidth: e.scrollWidth, clientWidth: e.clientWidth};
})"""

CLIPBOARD_HTML = """async () => {
  for (const item of await navigator.clipboard.read()) {
    if (item.types.includes("text/html")) return await (await item.getType("text/html")).text();
  }
  return null;
}"""


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    """Poll ``expression`` until it is true. ``page.evaluate`` runs outside the page's
    Content-Security-Policy; ``wait_for_function`` evals inside it, which the policy forbids.
    The deadline only bounds a hang."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(20)


@pytest.fixture
def browser(chromium):
    """A fresh browser context at a phone's width, allowed the clipboard, in the module's one
    chromium (conftest's ``chromium``): nothing is shared with the test before."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(WAIT_MS)
    try:
        yield context
    finally:
        context.close()


def test_preview_at_phone_width_reloads_toggles_dark_and_copies(tmp_path: Path, browser) -> None:
    post = code_tour_with_pictures(tmp_path)
    with PreviewServer(post, port=0) as server:
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.goto(server.url)
        wait_until(page, "Array.from(document.images).every(i => i.complete)")

        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), (
            "the page scrolls sideways"
        )
        pictures = page.evaluate(
            "Array.from(document.images).map(i => [i.src.slice(0, 20), i.naturalWidth])"
        )
        assert len(pictures) == 3 and all(width > 0 for _, width in pictures), pictures

        blocks = page.evaluate(CODE_BLOCKS)
        fences = (
            sum(1 for line in post.read_text("utf-8").splitlines() if line.startswith("```")) // 2
        )
        assert len(blocks) == fences == 7, [b["text"][:30] for b in blocks]
        assert all(b["whiteSpace"] == "nowrap" and b["overflowX"] == "auto" for b in blocks), blocks
        long_line = next(b for b in blocks if "encodeURIComponent" in b["text"])
        assert long_line["scrollWidth"] > long_line["clientWidth"]
        page.screenshot(path=str(tmp_path / "preview-390.png"), full_page=True)

        post.write_text(
            post.read_text("utf-8").replace("Here is the same idea", "EDITED LIVE: the same idea"),
            "utf-8",
        )
        wait_until(page, "document.getElementById('article').textContent.includes('EDITED LIVE')")
        assert page.evaluate("document.body.dataset.version") == "2"

        light = page.evaluate("getComputedStyle(document.querySelector('.phone')).backgroundColor")
        page.click("#dark")
        dark = page.evaluate("getComputedStyle(document.querySelector('.phone')).backgroundColor")
        assert (light, dark) == ("rgb(255, 255, 255)", "rgb(25, 25, 25)")
        _follows_wechats_dark_rules(page)
        post.write_text(post.read_text("utf-8").replace("EDITED LIVE", "EDITED AGAIN"), "utf-8")
        wait_until(page, "document.getElementById('article').textContent.includes('EDITED AGAIN')")
        _follows_wechats_dark_rules(page)  # the next version comes with its own dark colours
        page.screenshot(path=str(tmp_path / "preview-390-dark.png"))

        page.click("#copy")
        wait_until(page, "document.getElementById('status').textContent.startsWith('Copied')")
        copied = page.evaluate(CLIPBOARD_HTML)
        article = page.evaluate("document.getElementById('article').innerHTML")
        article = re.sub(
            r' data-dm="\d+"', "", article
        )  # the preview's dark-mode marks: never copied
        pictures = re.compile(
            r'src="data:[^"]*"'
        )  # the copy's are the normalised ones publish uploads
        assert pictures.sub("", copied) == pictures.sub("", article)
        assert copied == httpx.post(server.url + "copy").json()["html"]
        assert "image/webp" in article and "image/webp" not in copied
    assert (tmp_path / "preview-390.png").stat().st_size > 10_000


WIDE = """---
title: "Wide: {title}"
---

A word longer than any phone: {word} and a link to <https://example.com/{word}>.

Inline code that does not break: `{word}`.

| {cols} |
| {rule} |
| {cells} |

![a large photo](../media/photo.jpg)

> A quote with {word}

1. A list item with {word}
"""


DARK_FACTS = """(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const bright = ([r, g, b]) => (r * 299 + g * 587 + b * 114) / 1000;
  const all = Array.from(document.querySelectorAll('#article *'));
  const filtered = all.filter(e => getComputedStyle(e).filter !== 'none').length;
  const backgrounds = all.map(e => rgb(getComputedStyle(e).backgroundColor))
    .filter(c => c.length === 3 || c[3] > 0.05).map(bright);
  const text = bright(rgb(getComputedStyle(document.querySelector('#article > section')).color));
  return {filtered, brightest: Math.max(0, ...backgrounds), text};
})()"""


def _follows_wechats_dark_rules(page) -> None:  # type: ignore[no-untyped-def]
    """No filter inverts anything; no background brighter than WeChat's limit; light text."""
    facts = page.evaluate(DARK_FACTS)
    assert facts["filtered"] == 0 and facts["brightest"] <= 190.5 and facts["text"] > 120, facts


def test_no_sideways_page_scroll_at_any_phone_width(tmp_path: Path, browser) -> None:
    """Every sample post and one made of the widest things, at 375, 390 and 414 px."""
    site = code_tour_with_pictures(tmp_path).parent.parent
    word = "x" * 120
    (site / "posts" / "wide.md").write_text(
        WIDE.format(
            word=word,
            title="x" * 58,
            cols=" | ".join(f"column {i}" for i in range(12)),
            rule=" | ".join(["---"] * 12),
            cells=" | ".join(["cell"] * 12),
        ),
        "utf-8",
    )
    page = browser.pages[0] if browser.pages else browser.new_page()
    posts = sorted((site / "posts").glob("*.md"))
    assert len(posts) == 8
    for post in posts:
        with PreviewServer(post, port=0) as server:
            assert server.snapshot.error is None, server.snapshot.error
            page.set_viewport_size({"width": 375, "height": 800})
            page.goto(server.url)
            wait_until(page, "Array.from(document.images).every(i => i.complete)")
            for width in (375, 390, 414):
                page.set_viewport_size({"width": width, "height": 800})
                sizes = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
                assert sizes[0] <= sizes[1] == width, (post.name, sizes)
