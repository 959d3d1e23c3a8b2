"""What a render rule is: the one signature every WeChat transform's markdown-it rule has.

markdown-it-py types ``add_render_rule``'s function as ``Callable[..., Any]``, so a rule with
a parameter missing or a return that is not text would pass mypy and fail at render time.
:class:`RenderRule` states the signature and :func:`add_rules` is the one typed way the render
registers rules, so mypy checks each rule against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict


class RenderRule(Protocol):
    """A markdown-it render rule: the HTML for ``tokens[idx]``.

    markdown-it binds it to the renderer (the first argument, the ``self`` of a method);
    ``env`` holds the render's :class:`mdwx.render.context.RenderContext`
    (:func:`mdwx.render.context.context_of`).
    """

    def __call__(
        self,
        renderer: RendererHTML,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
        /,
    ) -> str: ...


def add_rules(md: MarkdownIt, rules: Mapping[str, RenderRule]) -> None:
    """Render each token type of ``rules`` (a markdown-it token ``type``) with its rule."""
    for token_type, rule in rules.items():
        md.add_render_rule(token_type, rule)
