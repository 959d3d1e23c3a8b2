"""List items in a real browser at a phone's width: a wrapped line hangs under the item's text.

Markers are text (WeChat resets list styles), so without a hanging indent the second line
of an item would start under its marker. Every theme, every kind of marker, every level.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mdwx.config import SiteConfig
from mdwx.render import render_markdown
from mdwx.render.themes import load_theme, theme_names
from tests.test_preview_browser import CHROMIUM, WAIT_MS

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)

LONG = "这一项的文字很长，长到在手机的宽度上一定会折成好几行，看第二行从哪里开始 and some English words too"
POST = f"""- {LONG}
  - {LONG}
    1. {LONG}
       - [ ] {LONG}
9. {LONG}
10. {LONG}

    second paragraph of the item, {LONG}

> - {LONG}
"""

WRAPPED_LINES = """Array.from(document.querySelectorAll('span')).filter(s => s.style.display === 'inline-block')
  .map(marker => {
    let node = marker.nextSibling;
    while (node && node.nodeType !== Node.TEXT_NODE) node = node.nextSibling;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = {};
    for (const rect of range.getClientRects()) lines[Math.round(rect.top)] ??= Math.round(rect.left);
    return {marker: Math.round(marker.getBoundingClientRect().left), lefts: Object.values(lines)};
  })"""


@pytest.mark.parametrize("theme", theme_names())
def test_wrapped_lines_of_every_item_hang_under_its_text(
    tmp_path: Path, theme: str, chromium
) -> None:
    html = render_markdown(POST, SiteConfig(root=tmp_path), theme=load_theme(theme)).html
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.set_default_timeout(WAIT_MS)
        page.set_content(f'<body style="margin:0;padding:0 16px">{html}</body>')
        items = page.evaluate(WRAPPED_LINES)
        page.screenshot(path=str(tmp_path / f"lists-{theme}.png"), full_page=True)
    finally:
        page.close()
    assert len(items) == 7, items
    for item in items:
        first, *rest = item["lefts"]
        assert rest, f"the item did not wrap: {item}"
        assert all(left == first for left in rest), f"a line leaves the item's text column: {item}"
        assert item["marker"] < first
    nine, ten = items[4:6]
    assert nine["lefts"][0] == ten["lefts"][0], "items of one list share their text column"
