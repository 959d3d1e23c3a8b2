"""Reading a theme's CSS: the subset WeChat keeps, bases, named variables, ``file:line`` errors.

WeChat removes ``<style>``, classes, CSS variables, pseudo-elements and ``position``, so a
theme is only as good as what mdwx can inline as literal ``style="..."`` values. A theme is
read into a :class:`ThemeSource` (refusing what could never reach a reader) and a chain of
them (a theme after its bases) into one CSS text with every ``var(--name)`` replaced.

Positions are kept: what is taken out (comments, ``@import``, variable declarations) is
blanked in place, so an offset in the CSS is an offset in the file and errors name its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mdwx.css_refusal import WECHAT_IMAGE_HOSTS, refusal
from mdwx.css_resources import resource_urls
from mdwx.errors import ConfigError

_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_BASE_COMMENT = re.compile(r"mdwx:\s*base\s*=\s*[\"']?([\w./-]+)[\"']?")
_AT_RULE = re.compile(r"@([\w-]+)")
_IMPORT = re.compile(r"@import\s+([^;{}]*);?")
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_BODY = re.compile(r"\{([^{}]*)\}")
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)")
_URL = re.compile(r"url\(\s*[\"']?([^\"')]*)", re.I)
# Selectors a browser applies by state or generated content: nothing to inline.
_PSEUDO = re.compile(
    r"::?(before|after|hover|focus|focus-within|focus-visible|active|visited|link|"
    r"first-line|first-letter|placeholder|selection|marker|target|checked)\b",
    re.I,
)
_HIDDEN_HINT = "WeChat keeps only inline styles with literal values; see docs/themes.md"

#: ``--heading-style`` presets: rules for h2/h3 drawn in ``--primary``.
HEADING_STYLES = {
    "underline": "h2 { border-left: none; border-bottom: 2px solid var(--primary); padding: 0 0 6px; }\n"
    "h3 { border-bottom: none; border-left: 4px solid var(--primary); padding: 0 0 0 8px; }\n",
    "bar": "h2 { border-bottom: none; border-left: 5px solid var(--primary); padding: 2px 0 2px 10px; }\n"
    "h3 { border-left: none; border-bottom: none; padding: 0; color: var(--primary); }\n",
    "pill": "h2 { display: table; border-left: none; border-bottom: none; padding: 4px 14px; "
    "border-radius: 16px; background: var(--primary); color: #ffffff; }\n"
    "h3 { border-left: none; border-bottom: none; padding: 0; color: var(--primary); }\n",
    "center": "h2 { border-left: none; border-bottom: 1px solid var(--primary); padding: 0 0 8px; "
    "text-align: center; }\n"
    "h3 { border-left: none; border-bottom: none; padding: 0; text-align: center; "
    "color: var(--primary); }\n",
    "plain": "h2 { border-left: none; border-bottom: none; padding: 0; }\n"
    "h3 { border-left: none; border-bottom: none; padding: 0; }\n",
}


@dataclass
class ThemeSource:
    """One theme file as read: its CSS (positions kept), bases and variables with lines."""

    path: Path
    text: str
    css: str = ""
    bases: list[tuple[str, int]] = field(default_factory=list)
    variables: dict[str, tuple[str, int]] = field(default_factory=dict)

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def fail(self, message: str, offset: int, hint: str = _HIDDEN_HINT) -> ConfigError:
        return ConfigError(f"theme: {message}", path=self.path, line=self.line(offset), hint=hint)


def _blank(text: str) -> str:
    """``text`` with every character but newlines made a space (positions and lines kept)."""
    return re.sub(r"[^\n]", " ", text)


def scan(text: str, path: Path) -> ThemeSource:
    """Read one theme file; raises :class:`ConfigError` naming ``path:line`` for what WeChat
    cannot keep: ``position``, ``url()`` other than a WeChat-hosted picture, ``@import url()``
    and other at-rules, state and generated-content selectors, script in CSS."""
    source = ThemeSource(path, text)
    for comment in _COMMENT.finditer(text):
        base = _BASE_COMMENT.search(comment.group())
        if base:
            source.bases.append((base.group(1), source.line(comment.start() + base.start())))
    css = _COMMENT.sub(lambda m: _blank(m.group()), text)
    css = _IMPORT.sub(lambda m: _import(source, m), css)
    at_rule = _AT_RULE.search(css)
    if at_rule:
        raise source.fail(
            f"@{at_rule.group(1)} is refused: WeChat keeps no style sheet, so it could never apply",
            at_rule.start(),
        )
    out, position = [], 0
    for rule in _rules(css):
        _outside(source, css[position : rule.start()], position)
        out.append(_blank(css[position : rule.start()]))
        out.append(_rule(source, rule))
        position = rule.end()
    _outside(source, css[position:], position)
    source.css = "".join(out)
    return source


def _rules(css: str) -> Iterator[re.Match[str]]:
    """The matches ``_RULE.finditer(css)`` gives, found in linear time.

    ``finditer`` would try the pattern from every position of a long run without braces (a
    blanked comment, stray text) and scan to its end each time: quadratic in the file. A rule
    can only start after the last brace before its ``{``, so the match is tried there once.
    """
    position = 0
    while (opening := css.find("{", position)) >= 0:
        start = max(position, css.rfind("}", position, opening) + 1)
        rule = _RULE.match(css, start)
        if rule is not None:
            yield rule
            position = rule.end()
        elif css.find("}", opening) < 0:
            return  # no closing brace left: no rule either
        else:
            position = opening + 1  # a "{" inside the body: a rule may start after it


def _import(source: ThemeSource, match: re.Match[str]) -> str:
    value = match.group(1).strip()
    if value.lower().startswith("url("):
        raise source.fail(
            f"@import {value} is refused: WeChat loads no style sheet",
            match.start(),
            hint='extend a theme by name instead: @import "default";',
        )
    name = value.strip("\"'")
    if not name or name == value:
        raise source.fail(
            f"@import {value}: give a theme name or file in quotes",
            match.start(),
            hint='for example @import "default";',
        )
    source.bases.append((name, source.line(match.start())))
    return _blank(match.group())


def _outside(source: ThemeSource, text: str, offset: int) -> None:
    stray = re.search(r"\S", text)
    if stray:
        raise source.fail(
            f"cannot read the CSS here ({text.strip()[:30]!r}): unbalanced braces?",
            offset + stray.start(),
            hint="every rule is 'selector { property: value; }'",
        )


def _rule(source: ThemeSource, rule: re.Match[str]) -> str:
    selector, body = rule.group(1), rule.group(2)
    pseudo = _PSEUDO.search(selector)
    if pseudo:
        raise source.fail(
            f"the selector {selector.strip()!r} styles a state or generated content "
            f"(:{pseudo.group(1)}), which inline styles cannot",
            rule.start(1) + pseudo.start(),
        )
    start = rule.start(2)
    parts, position = [], 0
    for declaration in re.finditer(r"[^;]+;?", body):
        text = declaration.group()
        parts.append(
            _declaration(source, text, start + declaration.start() + len(text) - len(text.lstrip()))
        )
        position = declaration.end()
    parts.append(body[position:])
    kept = "".join(parts)
    if not kept.strip():  # only variables (``:root { --primary: … }``): nothing to inline
        return _blank(rule.group())
    return f"{selector}{{{kept}}}"


def _declaration(source: ThemeSource, text: str, offset: int) -> str:
    name, colon, value = text.partition(":")
    prop = name.strip().lower()
    if not colon:
        if text.strip():
            raise source.fail(f"{text.strip()!r} is not 'property: value'", offset)
        return text
    if prop == "position":
        raise source.fail("'position' is refused: WeChat removes it", offset)
    _check_value(source, prop, name, value, offset)
    if prop.startswith("--"):  # its value reaches the article wherever var() names it
        source.variables[name.strip()] = (value.strip().rstrip(";").strip(), source.line(offset))
        return _blank(text)
    return text


def _check_value(source: ThemeSource, prop: str, name: str, value: str, offset: int) -> None:
    """Refuse at ``offset`` what no declaration (custom properties included) may carry."""
    if "\\" in name + value:  # a CSS escape spells anything (e\78pression): no filter can follow it
        raise source.fail(
            f"{prop}: {value.strip()[:40]} is refused: CSS escapes (\\) are not kept",
            offset,
            hint="write the characters themselves",
        )
    if prop in ("behavior", "-moz-binding") or re.search(
        r"expression\s*\(|javascript:", value, re.I
    ):
        raise source.fail(f"{prop}: {value.strip()[:40]} is refused: no script in a theme", offset)
    named = [(f"url({m.group(1).strip()[:40]})", m.group(1)) for m in _URL.finditer(value)]
    # image-set('…' 1x), image(), cross-fade(), src() load a string as url() does
    named += [(f"{url[:40]!r} in {value.strip()[:30]}", url) for url in resource_urls(value)]
    for shown, url in named:
        if not url.strip().startswith(WECHAT_IMAGE_HOSTS):
            raise source.fail(
                f"{shown} is refused: WeChat shows only pictures it hosts",
                offset,
                hint="upload the picture to WeChat (mmbiz.qpic.cn) "
                "and use that URL, or leave it out",
            )
    reason = refusal(prop, value)  # as a browser reads it: comments gone, any case
    if reason is not None:
        raise source.fail(f"{prop}: {value.strip()[:40]} is refused: {reason}", offset)


def resolve_variables(chain: list[ThemeSource]) -> str:
    """The CSS of a theme after its bases, ``var(--name)`` replaced by the most derived value.

    ``--heading-style`` (a :data:`HEADING_STYLES` name) adds its heading rules at the end.
    Raises :class:`ConfigError` at the use of an undefined variable or an unknown style.
    """
    values: dict[str, tuple[str, ThemeSource, int]] = {}
    for source in chain:
        for name, (value, line) in source.variables.items():
            values[name] = (value, source, line)
    parts = [_resolved(source, values) for source in chain]
    style = values.get("--heading-style")
    if style is not None:
        preset = HEADING_STYLES.get(style[0].strip("\"'"))
        if preset is None:
            raise ConfigError(
                f"theme: --heading-style {style[0]!r} is not one of {', '.join(HEADING_STYLES)}",
                path=style[1].path,
                line=style[2],
            )
        parts.append(_substitute(preset, style[1], values))
    return "\n".join(re.sub(r"[ \t]+\n", "\n", part).strip("\n") for part in parts) + "\n"


def _resolved(source: ThemeSource, values: dict[str, tuple[str, ThemeSource, int]]) -> str:
    """``source.css`` with every ``var()`` replaced, each declaration checked again after.

    Each value was checked as written, but a substitution can join harmless pieces
    (``var(--a)var(--b)``) into what no theme may write: refused at the declaration's line.
    """
    css, out, position = source.css, [], 0
    for body in _BODY.finditer(css):
        out.append(css[position : body.start(1)])
        for declaration in re.finditer(r"[^;]+;?", body.group(1)):
            written = declaration.group()
            start = body.start(1) + declaration.start()
            text = _substitute(written, source, values, offset=start)
            name, colon, value = text.partition(":")
            reason = refusal(name, value) if colon and text != written else None
            if reason is not None:
                raise source.fail(
                    f"{name.strip()}: {value.strip()[:40]} (after var() substitution) "
                    f"is refused: {reason}",
                    start + len(written) - len(written.lstrip()),
                )
            out.append(text)
        position = body.end(1)
    out.append(css[position:])
    return "".join(out)


def _substitute(
    css: str,
    source: ThemeSource,
    values: dict[str, tuple[str, ThemeSource, int]],
    depth: int = 0,
    offset: int = 0,
) -> str:
    def value(match: re.Match[str]) -> str:
        found = values.get(match.group(1))
        if found is not None:
            return _substitute(found[0], found[1], values, depth + 1) if depth < 8 else found[0]
        if match.group(2) is not None:
            return match.group(2).strip()
        raise source.fail(
            f"var({match.group(1)}) is not defined in this theme or its bases",
            offset + match.start() if depth == 0 else 0,
            hint=f"define it, e.g. :root {{ {match.group(1)}: #333333; }}",
        )

    return _VAR.sub(value, css)
