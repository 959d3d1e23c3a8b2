"""How a dry run and a publish report name each upload: always one line.

A formula's TeX and a diagram's code span lines; written as they are, one planned upload
would spread across the report (and a diagram would be called by its code). A typeset
picture is named by what it is and where the post has it instead: ``diagram (flowchart,
line 12)``, ``formula `x > 0` (line 3)``; a file or URL by its reference, credentials
redacted, on one line.
"""

from __future__ import annotations

from mdwx.assets.formula import tex_snippet
from mdwx.document import Asset, AssetKind
from mdwx.urls import redact

#: Longest reference or TeX shown in one upload line, in characters.
LABEL_LIMIT = 80


def one_line(text: str, limit: int = LABEL_LIMIT) -> str:
    """``text`` with each run of white space one space, cut to ``limit`` characters (…)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def upload_label(asset: Asset, loaded_kind: str) -> str:
    """The one-line name of an upload: ``loaded_kind`` (``body``, ``cover``, ``video``…) and
    the reference, or for a typeset picture its kind, a snippet and its line."""
    where = f"line {asset.line}" if asset.line else ""
    if asset.kind is AssetKind.DIAGRAM:
        words = asset.source.split()
        what = words[0] if words else (asset.language or "diagram")
        return f"diagram ({one_line(', '.join(x for x in (what[:40], where) if x))})"
    if asset.kind is AssetKind.FORMULA:
        return f"formula `{tex_snippet(asset.source, LABEL_LIMIT - 20)}`" + (
            f" ({where})" if where else ""
        )
    return f"{loaded_kind} {one_line(redact(asset.source))}"
