"""Diagram fences (```` ```mermaid ````) become DIAGRAM assets with placeholders (no I/O here).

The picture is drawn later, where formulas are (:mod:`mdwx.assets.diagram`); render only
records the source and the HTML to show if it cannot be drawn: the fence as an ordinary code
block. :func:`diagrams_as_code` swaps that code block in, with a ``diagram-not-drawn``
warning at the fence's line, so a diagram that fails (or a missing ``mdwx[diagrams]``
extra) costs one picture, never the post.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from html import escape

from mdwx.assets.diagram_errors import DiagramError
from mdwx.assets.mermaid_labels import unwritable
from mdwx.diagnostics import Diagnostic
from mdwx.document import FORMULA_SIZE_ATTR, AssetKind, Document
from mdwx.errors import MdwxError
from mdwx.html_scan import IN_TAG
from mdwx.render.context import RenderContext


def diagram_html(source: str, language: str, ctx: RenderContext, code_html: str) -> str:
    """A centred picture of the diagram; ``code_html`` (the fence as code) is its fallback."""
    asset = ctx.add_asset(AssetKind.DIAGRAM, source, alt=f"{language} diagram", language=language)
    if language == "mermaid":  # label characters mermaid can be given in no code: said
        for index, message in unwritable(source):
            line = ctx.line + 1 + index if ctx.line is not None else None
            ctx.warn(f"{message}; write it another way", line, code="diagram-label-lost")
    ctx.fallbacks.setdefault(asset.key, code_html)
    # Its size is known once it is drawn (check/build/publish): the mark says where it goes.
    mark = f'{FORMULA_SIZE_ATTR}="{asset.key}"'
    return (
        f'<section class="diagram" style="margin:16px 0;text-align:center">'
        f'<img src="{asset.placeholder}" alt="{escape(asset.alt)}" {mark}></section>\n'
    )


def diagrams_as_code(document: Document, failed: Mapping[str, MdwxError], path: str) -> Document:
    """``document`` with each diagram of ``failed`` (asset key → why) shown as its code block."""
    html, warnings = document.html, list(document.warnings)
    for asset in document.assets:
        if asset.key not in failed:
            continue
        # Its box: a <section>, or the <p> the theme inliner makes of a box holding one picture.
        picture = re.compile(
            rf'<(section|p)\b{IN_TAG}>\s*<img\b{IN_TAG}?\bsrc="{re.escape(asset.placeholder)}"'
            rf"{IN_TAG}>\s*</\1>"
        )
        code = document.fallbacks.get(asset.key, f"<pre><code>{escape(asset.source)}</code></pre>")
        html = picture.sub(code.replace("\\", "\\\\"), html)  # a template: its backslashes doubled
        problem = failed[asset.key]
        line = asset.line  # the fence's, or the faulty line's when the engine names it
        if isinstance(problem, DiagramError) and problem.source_line is not None and line:
            line += 1 + problem.source_line
        warnings.append(
            Diagnostic(
                f"{asset.language} diagram cannot be drawn ({problem.message}): shown as its code",
                path,
                line,
                code="diagram-not-drawn",
                hint=problem.hint,
            )
        )
    assets = [asset for asset in document.assets if asset.key not in failed]
    return replace(document, html=html, assets=assets, warnings=warnings)
