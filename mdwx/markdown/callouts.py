"""Callout titles: a custom title on a GitHub alert, and default titles in the article's language.

GitHub alerts take their title from the kind (``> [!TIP]`` is "Tip"); Obsidian-style
``> [!TIP] 小技巧`` (also ``[!tip]-`` / ``[!tip]+``, folding markers a phone cannot use) names its
own, which markdown-it leaves as a quote starting with the literal marker. A core rule after
the block parse turns such a quote into the same alert tokens with that title, and gives the
alerts and admonitions that name no title the words of the article's language (``zh``:
提示/注意/重要/警告/小心). Admonitions and alerts with a title of their own keep it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from mdwx.markdown.env import ENV_KEY

_MARKER = re.compile(r"^\[!([A-Za-z]+)\][+-]?(?:[ \t]+(\S[^\n]*))?[ \t]*(?:\n|$)")
TITLES = {
    "en": {
        "note": "Note",
        "tip": "Tip",
        "important": "Important",
        "warning": "Warning",
        "caution": "Caution",
    },
    "zh": {
        "note": "注意",
        "tip": "提示",
        "important": "重要",
        "warning": "警告",
        "caution": "小心",
    },
}


#: The callout kinds a ``> [!KIND]`` or ``!!! kind`` names, each mapped to the one of five
#: styles it takes (GitHub's alerts and Obsidian's, MkDocs' admonitions).
CALLOUT_KINDS = {
    "note": "note",
    "info": "note",
    "abstract": "note",
    "summary": "note",
    "seealso": "note",
    "question": "note",
    "quote": "note",
    "tip": "tip",
    "hint": "tip",
    "success": "tip",
    "check": "tip",
    "done": "tip",
    "example": "tip",
    "important": "important",
    "warning": "warning",
    "attention": "warning",
    "caution": "caution",
    "danger": "caution",
    "error": "caution",
    "failure": "caution",
    "bug": "caution",
}


def callout_kind(name: str) -> str:
    """The style a callout named ``name`` takes (a name not in the table: a note)."""
    return CALLOUT_KINDS.get(name.strip().lower(), "note")


def language_family(lang: str) -> str:
    """The title table a ``lang`` value picks: ``zh`` for any Chinese tag, else ``en``."""
    return "zh" if lang.lower().startswith("zh") else "en"


def _titled_alerts(tokens: list[Token]) -> None:
    """``> [!KIND] Title`` quotes as alerts titled ``Title``."""
    for i in range(len(tokens) - 2):
        opening, paragraph, inline = tokens[i], tokens[i + 1], tokens[i + 2]
        if (
            opening.type != "blockquote_open"
            or paragraph.type != "paragraph_open"
            or inline.type != "inline"
        ):
            continue
        found = _MARKER.match(inline.content)
        if found is None or found.group(2) is None or found.group(1).lower() not in CALLOUT_KINDS:
            continue
        close = next(
            j
            for j in range(i + 1, len(tokens))
            if tokens[j].type == "blockquote_close" and tokens[j].level == opening.level
        )
        opening.type, opening.tag, opening.meta = (
            "alert_open",
            "div",
            {"kind": found.group(1).upper()},
        )
        tokens[close].type, tokens[close].tag = "alert_close", "div"
        title = Token("inline", "", 0, content=found.group(2).strip(), map=inline.map, children=[])
        head = [Token("alert_title_open", "p", 1), title, Token("alert_title_close", "p", -1)]
        for token in head:
            token.level = opening.level + 1
        title.meta = {"custom": True}
        inline.content = inline.content[found.end() :]
        if not inline.content.strip():  # the title was the whole first paragraph
            del tokens[i + 1 : i + 4]
        tokens[i + 1 : i + 1] = head


def _localise(tokens: list[Token], family: str) -> None:
    """Default titles (no title of the writer's) in ``family``'s words."""
    english = {title: kind for kind, title in TITLES["en"].items()}
    for i, token in enumerate(tokens):
        if token.type not in ("alert_open", "admonition_open") or i + 2 >= len(tokens):
            continue
        title = tokens[i + 2]
        if tokens[i + 1].type not in ("alert_title_open", "admonition_title_open") or (
            title.meta or {}
        ).get("custom"):
            continue
        if token.type == "admonition_open" and '"' in token.info:
            continue  # ``!!! note "Title"`` names its own
        kind = callout_kind(
            str((token.meta or {}).get("kind") or (token.meta or {}).get("tag") or "note")
        )
        if title.content.strip() in english or title.content.strip().lower() in CALLOUT_NAMES:
            title.content = TITLES[family].get(kind, title.content)


CALLOUT_NAMES = frozenset(
    (
        "note",
        "tip",
        "important",
        "warning",
        "caution",
        "info",
        "hint",
        "danger",
        "attention",
        "error",
        "success",
        "question",
        "example",
        "quote",
        "abstract",
        "summary",
        "seealso",
        "check",
        "done",
        "failure",
        "bug",
    )
)


def _callout_titles(state: StateCore) -> None:
    _titled_alerts(state.tokens)
    ctx = state.env.get(ENV_KEY)
    family = language_family(getattr(ctx, "lang", "") or "en")
    if family != "en":
        _localise(state.tokens, family)


def callouts_plugin(md: MarkdownIt) -> None:
    """Register the core rule (after the block parse, before inline parsing)."""
    md.core.ruler.after("block", "callout_titles", _callout_titles)
