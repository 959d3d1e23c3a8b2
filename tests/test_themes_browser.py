"""Every built-in theme, and a writer's theme extending one, in headless Chromium at 390 px.

In light and in WeChat-rule dark mode (:mod:`mdwx.render.darkmode`, on WeChat's #191919 page)
the page never scrolls sideways (wide code and tables scroll inside the article), every text
reads (the contrast check, in both), and each looks as reviewed: a golden screenshot per theme
and mode, compared within a small tolerance (font hinting). A deliberate change regenerates
them with ``MDWX_UPDATE_GOLDEN=1`` and is looked at.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from mdwx.config import SiteConfig
from mdwx.render import render_markdown
from mdwx.render.contrast import low_contrast
from mdwx.render.darkmode import DARK_PAGE, dark_html, hex_colour
from mdwx.render.themes import load_theme, theme_names
from tests.test_preview_browser import ARGS, CHROMIUM, WAIT_MS

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)

GOLDEN = Path(__file__).resolve().parent / "golden" / "themes"
UPDATE = os.environ.get("MDWX_UPDATE_GOLDEN") == "1"
TOLERANCE = 1.5  # mean absolute difference per channel, 0–255
USER_THEME = '@import "ocean";\n:root { --primary: #c2255c; --heading-style: bar; --paragraph-spacing: 20px; }\n'
POST = """## 为什么选择 mdwx

正文段落，**重点强调**，[一个链接](https://example.com)，以及 `inline code`。一段较长的中文文字，用来看看行距和段落间距是否舒适，以及在手机宽度上的折行效果。

### 小节标题

> 引用：好的工具应该让人忘记它的存在。

- 第一项，文字稍长一些，看看折行之后的悬挂缩进是否对齐
- 第二项
  1. 嵌套的有序项

```python
def hello(name: str) -> str:
    return f"你好，{name}" + "a long line that must scroll sideways inside the block, not the page"
```

| 主题 | 特点 | 一列很宽的说明文字，足够让表格比手机更宽 |
|---|---|---|
| default | 绿色 | 表格在自己的盒子里横向滚动，页面本身不动 |

> [!TIP]
> 一个提示。

> [!WARNING]
> 一个警告。
"""


def _themes(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "mine.css").write_text(USER_THEME, "utf-8")
    themes: dict[str, object] = {name: load_theme(name) for name in theme_names()}
    themes["user-extending-ocean"] = load_theme("mine.css", tmp_path)
    return themes


def _difference(first: Image.Image, second: Image.Image) -> float:
    if first.size != second.size:
        return 255.0
    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / 3


def test_every_theme_at_phone_width_fits_reads_and_looks_as_reviewed(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    shots: dict[str, Image.Image] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(WAIT_MS)
            for name, theme in _themes(tmp_path).items():
                assert low_contrast(theme.css) == [], name  # type: ignore[attr-defined]
                assert low_contrast(theme.css, dark=True) == [], name  # type: ignore[attr-defined]
                html = render_markdown(POST, SiteConfig(root=tmp_path), theme=theme).html  # type: ignore[arg-type]
                for mode, body, background in (
                    ("", html, "#fff"),
                    ("dark/", dark_html(html), hex_colour(DARK_PAGE)),
                ):
                    shot = _shot(page, body, background, mode + name)
                    shots[mode + name] = shot
                    shot.save(tmp_path / f"{name}{'-dark' if mode else ''}.png")
        finally:
            browser.close()
    for name, shot in shots.items():
        golden = GOLDEN / f"{name}.png"
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            shot.quantize(colors=128).save(golden, optimize=True)
        assert golden.is_file(), (
            f"no golden screenshot for {name}: run MDWX_UPDATE_GOLDEN=1 pytest {__file__}"
        )
        assert _difference(shot, Image.open(golden).convert("RGB")) < TOLERANCE + 2.5, (
            name
        )  # 128 colours
    distinct = {name: shot.resize((78, 160)).tobytes() for name, shot in shots.items()}
    assert len(set(distinct.values())) == len(distinct)
    for name in _themes(tmp_path):  # dark mode converts, it does not invert: the page is dark…
        light, dark = (ImageStat.Stat(shots[m + name].convert("L")).mean[0] for m in ("", "dark/"))
        assert dark < 120 < light, (name, light, dark)


def _shot(page, html: str, background: str, name: str) -> Image.Image:  # type: ignore[no-untyped-def]
    """The article on a phone-wide page of ``background``, after checking nothing scrolls it sideways."""
    # Standards mode, as WeChat's page: in quirks mode tables do not inherit the text colour.
    page.set_content(
        f'<!DOCTYPE html><html><body style="margin:0;padding:12px 16px;background:{background}">'
        f"{html}</body></html>"
    )
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), name
    scrolling = page.evaluate("""Array.from(document.querySelectorAll('body *'))
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => getComputedStyle(e).overflowX)""")
    assert scrolling and set(scrolling) == {"auto"}, (name, scrolling)  # the long code line
    return Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
