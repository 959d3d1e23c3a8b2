"""Lists whose markers and nesting survive WeChat.

WeChat resets list styles and flattens nesting beyond two levels, so lists are ``<section>``s:
each item writes its marker as text ("• ", "3. ", "☑ ") and nested lists are indented by the
theme (``.list .list``). Ordered lists keep their start number.

An item's wrapped lines hang under its text, not under its marker: the theme gives ``.li`` a
left padding and ``.marker`` the same negative margin. Numbers of two or more digits need a
wider hang: such a list's items and markers also carry ``li-2``/``marker-2`` (10–99) or
``li-3``/``marker-3`` (100 and up), so all items of one list align.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mdwx.render.context import ListState, context_of
from mdwx.render.render_rule import add_rules

BULLETS = ("• ", "◦ ", "▪ ")
UNCHECKED, CHECKED = "☐ ", "☑ "


def _open_list(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ordered = token.type == "ordered_list_open"
    start = token.attrGet("start") if ordered else None
    # markdown-it sets ``start`` only when it is not 1, and as an int: 0 is a real start.
    start = 1 if start is None else int(start)
    digits = len(str(start + _item_count(tokens, idx) - 1)) if ordered else 1
    width = "" if digits < 2 else f"-{min(digits, 3)}"
    context_of(env).lists.append(ListState(ordered=ordered, next_number=start, width=width))
    return '<section class="list">\n'


def _item_count(tokens: Sequence[Token], idx: int) -> int:
    """How many items the list opened at ``idx`` has."""
    level, count = tokens[idx].level, 0
    for i in range(idx + 1, len(tokens)):
        token = tokens[i]
        if token.level == level:  # the list's own close
            break
        count += token.type == "list_item_open" and token.level == level + 1
    return count


def _close_list(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    if ctx.lists:
        ctx.lists.pop()
    return "</section>\n"


def item_marker(ctx_lists: list[ListState], checked: bool | None) -> str:
    """The marker text of the next item of the innermost list (and count it)."""
    if not ctx_lists:
        return BULLETS[0]
    state = ctx_lists[-1]
    task = "" if checked is None else (CHECKED if checked else UNCHECKED)
    if state.ordered:
        number = state.next_number
        state.next_number += 1
        return f"{number}. {task}"
    return task or BULLETS[(len(ctx_lists) - 1) % len(BULLETS)]


def _open_item(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    meta = tokens[idx].meta or {}
    width = ctx.lists[-1].width if ctx.lists else ""
    text = item_marker(ctx.lists, meta.get("checked"))
    marker = (
        f'<span class="marker marker{width}">{text}</span>'
        if width
        else f'<span class="marker">{text}</span>'
    )
    item = f'<section class="li li{width}">' if width else '<section class="li">'
    following = tokens[idx + 1] if idx + 1 < len(tokens) else None
    if following is not None and following.type == "paragraph_open":
        ctx.pending_prefix = marker  # written inside the item's first paragraph
        return item
    return f"{item}{marker}"


def _close_item(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</section>\n"


def lists_plugin(md: MarkdownIt) -> None:
    """Render bullet, ordered and task lists as sections with text markers."""
    add_rules(
        md,
        {
            "bullet_list_open": _open_list,
            "ordered_list_open": _open_list,
            "bullet_list_close": _close_list,
            "ordered_list_close": _close_list,
            "list_item_open": _open_item,
            "list_item_close": _close_item,
        },
    )
