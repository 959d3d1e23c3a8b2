"""Images, videos and formulas become assets with placeholders (render does no I/O).

An image alone in its paragraph is a figure (image + caption from the title, or from alt
text that is not a placeholder: see :mod:`.captions`);
``{width=300}`` goes into ``style`` because WeChat drops size attributes. A video reference
(``![title](clip.mp4)``) becomes the contract's iframe, and ``$…$`` / ``$$…$$`` TeX a FORMULA
asset rasterised at resolve time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from html import escape

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mdwx.diagnostics import Diagnostic
from mdwx.document import (
    FORMULA_SIZE_ATTR,
    VIDEO_CLASS,
    VIDEO_EXTENSIONS,
    VIDEO_PLAYER,
    AssetKind,
    Document,
)
from mdwx.errors import MdwxError
from mdwx.html_scan import IN_TAG
from mdwx.render.captions import figure_caption
from mdwx.render.context import RenderContext, context_of, source_reference
from mdwx.render.links import unsafe_target
from mdwx.render.render_rule import add_rules

FORMULA_CODE_STYLE = (
    "font-family:Menlo,Consolas,monospace;font-size:90%;background:#f6f8fa;padding:0 4px"
)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|%|em|rem|vw)?\s*$")


def is_video(source: str) -> bool:
    path = source.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(VIDEO_EXTENSIONS)


def size_style(width: str | None, height: str | None) -> str:
    """``width``/``height`` attribute values as CSS (a bare number means pixels)."""
    parts = []
    for name, value in (("width", width), ("height", height)):
        match = _SIZE.match(value or "")
        if match:
            parts.append(f"{name}:{match.group(1)}{match.group(2) or 'px'}")
    return ";".join(parts)


def video_html(source: str, title: str, ctx: RenderContext) -> str:
    """The contract's video iframe; the placeholder becomes the ``wxv_`` id after upload."""
    asset = ctx.add_asset(AssetKind.VIDEO, source, alt=title)
    mark = asset.placeholder
    return (
        f'<iframe class="{VIDEO_CLASS}" data-vidtype="2" data-mpvid="{mark}" allowfullscreen="" '
        f'frameborder="0" data-src="{escape(VIDEO_PLAYER)}&amp;action=mpvideo&amp;auto=0&amp;mpvid={mark}"></iframe>'
    )


def image_html(
    source: str, alt: str, ctx: RenderContext, style: str = "", caption: str = ""
) -> str:
    """An ``<img>`` on an IMAGE asset, with a caption when it stands as a figure."""
    asset = ctx.add_asset(AssetKind.IMAGE, source, alt=alt)
    style_attr = f' style="{escape(style)}"' if style else ""
    html = f'<img src="{asset.placeholder}" alt="{escape(alt)}"{style_attr}>'
    if caption and ctx.in_figure and not ctx.open_links:
        html += f'<p class="caption">{escape(caption, quote=False)}</p>'
    return html


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    token = tokens[idx]
    source = source_reference(str(token.attrGet("src") or ""))
    alt = self.renderInlineAsText(token.children or [], options, env)
    if unsafe_target(source):
        ctx.warn(
            f"image {source[:60]!r} dropped: not a picture; its description is kept",
            code="unsafe-link",
        )
        return escape(alt, quote=False)
    title = str(token.attrGet("title") or "")
    caption = figure_caption(alt, title, source, ctx.config.caption)
    if is_video(source):
        html = video_html(source, title or alt, ctx)
        if ctx.in_figure and caption:
            html += f'<p class="caption">{escape(caption, quote=False)}</p>'
        return html
    width, height = token.attrGet("width"), token.attrGet("height")
    style = size_style(str(width) if width else None, str(height) if height else None)
    return image_html(source, alt, ctx, style, caption)


def formula_html(tex: str, ctx: RenderContext, *, display: bool, inline_block: bool = False) -> str:
    """A FORMULA asset as an image: centred section for display math."""
    tex = tex.strip()
    asset = ctx.add_asset(AssetKind.FORMULA, tex, alt=tex, display=display)
    alt = escape(tex)
    # The size is known only once the formula is typeset (at check/build/publish time):
    # the mark tells Document.substitute where to put it.
    mark = f'{FORMULA_SIZE_ATTR}="{asset.key}"'
    if not display:
        return f'<img class="math" src="{asset.placeholder}" alt="{alt}" {mark}>'
    if inline_block:  # $$…$$ inside a paragraph: a section there would split the paragraph
        return f'<img src="{asset.placeholder}" alt="{alt}" style="display:block;margin:8px auto" {mark}>'
    return f'<section class="math-display"><img src="{asset.placeholder}" alt="{alt}" {mark}></section>\n'


def formulas_as_code(document: Document, failed: Mapping[str, MdwxError], path: str) -> Document:
    """``document`` with each formula of ``failed`` (asset key → why) shown as its TeX in code.

    A formula the typesetter cannot draw is one formula lost, not a post: its picture
    becomes ``<code>`` holding the TeX as written, its asset goes, and a warning
    (``formula-not-drawn``) names its line and why.
    """
    # Here, not at the top: the formula module (Pillow, ElementTree) is start-up every render
    # would pay, and only a post with a formula that failed gets here (issue 19).
    from mdwx.assets.formula import short_tex, tex_snippet

    html, warnings = document.html, list(document.warnings)
    for asset in document.assets:
        if asset.key not in failed:
            continue
        code = f'<code style="{FORMULA_CODE_STYLE}">{escape(asset.source)}</code>'
        tag = re.compile(rf'<img\b{IN_TAG}?\bsrc="{re.escape(asset.placeholder)}"{IN_TAG}>')
        html = tag.sub(code.replace("\\", "\\\\"), html)  # a template: its backslashes doubled
        reason = failed[asset.key].message.removeprefix(f"formula {short_tex(asset.source)}: ")
        warnings.append(
            Diagnostic(
                f"formula `{tex_snippet(asset.source)}` cannot be drawn ({reason}): "
                "shown as its TeX in code",
                path,
                asset.line,
                code="formula-not-drawn",
                hint=failed[asset.key].hint,
            )
        )
    assets = [asset for asset in document.assets if asset.key not in failed]
    return replace(document, html=html, assets=assets, warnings=warnings)


def _math_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return formula_html(tokens[idx].content, context_of(env), display=False)


def _math_inline_double(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return formula_html(tokens[idx].content, context_of(env), display=True, inline_block=True)


def _math_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return formula_html(tokens[idx].content, context_of(env), display=True)


def media_plugin(md: MarkdownIt) -> None:
    """Render images, videos and math as asset placeholders."""
    add_rules(
        md,
        {
            "image": _image,
            "math_inline": _math_inline,
            "math_inline_double": _math_inline_double,
            "math_block": _math_block,
            "math_block_label": _math_block,
        },
    )
