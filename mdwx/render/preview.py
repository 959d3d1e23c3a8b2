"""A standalone preview page: the article as a phone shows it, with a dark-mode toggle.

The page is for a person at a desktop browser (``mdwx build`` / ``mdwx preview``), not for
WeChat, so it may use a ``<style>`` and a few lines of script; the article inside is exactly
the content HTML (with local file URLs in place of placeholders).
"""

from __future__ import annotations

from html import escape

from mdwx.config import SiteConfig
from mdwx.source.model import Article

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 0; padding: 24px 0; background: #e9ebee; font-family: -apple-system, sans-serif; }}
.bar {{ width: 390px; margin: 0 auto 12px; display: flex; justify-content: space-between; font-size: 13px; color: #555; }}
.phone {{ width: 390px; min-height: 700px; margin: 0 auto; background: #fff; border-radius: 28px;
  box-shadow: 0 8px 30px rgba(0,0,0,.18); overflow: hidden; border: 10px solid #1d1d1f; }}
.screen {{ height: 760px; overflow-y: auto; padding: 20px 16px 40px; box-sizing: border-box; }}
.meta h1 {{ font-size: 22px; line-height: 1.4; margin: 0 0 10px; color: #222; }}
.meta .by {{ font-size: 14px; color: #576b95; margin-bottom: 8px; }}
.meta .digest {{ font-size: 13px; color: #888; border-left: 3px solid #ddd; padding-left: 8px; margin-bottom: 20px; }}
body.dark .phone {{ background: #191919; }}
body.dark .meta h1 {{ color: #d6d6d6; }}
body.dark .screen > .content {{ filter: invert(0.88) hue-rotate(180deg); }}
body.dark .screen > .content img {{ filter: invert(1) hue-rotate(180deg); }}
</style>
</head>
<body>
<div class="bar"><span>{chars} characters</span><label><input type="checkbox" id="dark"> dark mode</label></div>
<div class="phone"><div class="screen">
<div class="meta"><h1>{title}</h1><div class="by">{author}</div>{digest}</div>
<div class="content">{content}</div>
</div></div>
<script>
document.getElementById("dark").addEventListener("change", function (e) {{
  document.body.classList.toggle("dark", e.target.checked);
}});
</script>
</body>
</html>
"""


def preview_page(article: Article, content_html: str, config: SiteConfig) -> str:
    """The article (title, author, digest, content) in a 390 px phone frame."""
    author = article.author or config.author
    digest = f'<div class="digest">{escape(article.digest)}</div>' if article.digest else ""
    return PAGE.format(
        title=escape(article.title),
        author=escape(author),
        digest=digest,
        content=content_html,
        chars=f"{len(content_html):,}",
    )
