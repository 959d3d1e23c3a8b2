"""``docs/settings.md``: the reference of every setting and front-matter key, written from
their declarations.

Every row comes from a declaration: a setting's field (:func:`mdwx.settings.declare.setting`)
or a front-matter key (:data:`mdwx.source.front_keys.FRONT_KEYS`), so the page cannot tell
another story than the code. It stands above all it describes (config, accounts, the source
stage's keys), so nothing below imports it.

``python -m mdwx.settings_reference`` prints it; ``python -m mdwx.settings_reference
docs/settings.md`` rewrites the file (a test checks the committed page equals the output).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, Field, fields
from pathlib import Path
from typing import Any

from mdwx.accounts import ACCOUNT_TABLES, Account
from mdwx.bundles import table as bundles_table
from mdwx.config import SECTIONS, SiteConfig
from mdwx.settings.declare import NUMERIC, Kind, Setting, bounds_text, declared
from mdwx.source.front_keys import FRONT_KEYS, GENERATOR_KEYS, FrontKey, renamed

_INTRO = """\
# Settings reference

<!-- Written by `python -m mdwx.settings_reference` from the declarations in mdwx/config.py,
mdwx/config_tables.py, mdwx/bundles/table.py, mdwx/accounts.py and mdwx/source/front_keys.py;
a test keeps it equal. -->

Every key of `mdwx.toml` (or of `[tool.mdwx]` in `pyproject.toml`) is optional. A value of the
wrong kind, outside its bounds or not among its choices is refused when the config is read,
with one line naming the file and the line that set it; an unknown key is refused with the
closest known one (`unknown setting 'them' (did you mean 'theme'?)`). Secrets never live here.
"""


def render_reference(
    site: type, sections: Mapping[str, type], account: type, account_tables: Iterable[str]
) -> str:
    """The whole reference page: ``site``'s settings (the top of ``mdwx.toml``), one table per
    section dataclass of ``sections``, ``account``'s settings (``[accounts.NAME]``, with the
    tables named in ``account_tables`` laid over the site's) and the front-matter keys."""
    parts = [_INTRO, "## mdwx.toml", "", *_settings_table(site, "")]
    for name, cls in sections.items():
        parts += ["", f"## [{name}]", "", *_doc_lines(cls), *_settings_table(cls, f"{name}.")]
    parts += ["", *_bundles_section()]
    parts += [
        "",
        "## [accounts.NAME]",
        "",
        "One table per WeChat account the site publishes to (README: Several accounts).",
        "",
        *_settings_table(account, ""),
        "",
        "Its tables "
        + ", ".join(f"`[accounts.NAME.{table}]`" for table in account_tables)
        + " take the keys of the site's tables of the same name and are laid over them.",
        "",
        *_front_matter(),
    ]
    return "\n".join(parts).rstrip("\n") + "\n"


def _bundles_section() -> list[str]:
    """``[bundles]``: a table of names the site chooses (:mod:`mdwx.bundles.table`)."""
    return [
        f"## [{bundles_table.TABLE}]",
        "",
        "The 多图文 bundles the site sends, one key per bundle:",
        "",
        "```toml",
        bundles_table.TABLE_EXAMPLE,
        "```",
        "",
        "| setting | value | default | what it is |",
        "|---|---|---|---|",
        f"| `{bundles_table.TABLE_KEY}` | {_cell(bundles_table.TABLE_VALUE)} | none "
        f"| {_cell(bundles_table.TABLE_DOC)} |",
    ]


def _doc_lines(cls: type) -> list[str]:
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    if not doc or doc.startswith(f"{cls.__name__}("):  # the dataclass's own signature
        return []
    return [" ".join(doc.replace("``", "`").split()), ""]


def _settings_table(cls: type, prefix: str) -> list[str]:
    defaults = {item.name: item for item in fields(cls)}
    rows = ["| setting | value | default | what it is |", "|---|---|---|---|"]
    for key, (attribute, spec) in declared(cls).items():
        default = _default(defaults[attribute], spec)
        rows.append(f"| `{prefix}{key}` | {_value(spec)} | {default} | {_cell(spec.doc)} |")
    return rows


def _value(spec: Setting) -> str:
    if spec.choices:
        return " \\| ".join(f"`{choice}`" for choice in spec.choices)
    if spec.kind in NUMERIC:
        return bounds_text(spec).removeprefix("a ")
    if spec.kind is Kind.WORDS and spec.high is not None:
        return f"{spec.kind.value}, at most {spec.high}"
    return _cell(spec.kind.value)


def _default(item: Field[Any], spec: Setting) -> str:
    if item.default is not MISSING:
        value = item.default
    elif item.default_factory is not MISSING:
        value = item.default_factory()
    else:
        return "required"
    if value is None:
        return '`"auto"`' if spec.kind is Kind.FLAG_OR_AUTO else "none"
    return f"`{_cell(toml_value(value))}`"


def toml_value(value: Any) -> str:
    """``value`` written as TOML: a string quoted, a list in brackets, a table inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


_NAMES = {
    "pelican": "Pelican",
    "mkdocs": "MkDocs",
    "hugo": "Hugo",
    "hexo": "Hexo",
    "jekyll": "Jekyll",
    "obsidian": "Obsidian",
}


def _theirs(key: FrontKey, generator: str) -> str:
    own = f"{_NAMES[generator]}'s own"
    if generator != "mkdocs":  # the Pelican plugin maps a page as the command line does
        return own
    plugin = "its plugin passes it" if key.plugin_passes else "its plugin reads it as a flag"
    return f"{own} ({plugin})"


def _front_matter() -> list[str]:
    rows = [
        "## Front matter",
        "",
        "The keys mdwx reads in a post's front matter. Any other key is reported as unknown",
        "(with the closest of these when it looks like a typo of one); on a generator's site only",
        "such a likely typo is reported. On a generator's site, the generator's keys named in the",
        "last column become the key, and the key is left to the generator where it says so.",
        "(Every generator but Pelican also reads silently the keys its common themes share,",
        "`COMMON_SILENT` in mdwx/source/generators/base.py: mdwx finds the date, tags, cover and",
        "math switches there itself.)",
        "",
        "| key | value | what it is | on a generator's site |",
        "|---|---|---|---|",
    ]
    for key in FRONT_KEYS:
        notes = [
            f"{_NAMES[generator]}'s `{theirs}`"
            for generator, theirs in key.from_generators
            if renamed(generator).get(theirs) == key.name
        ]
        notes += [_theirs(key, generator) for generator in key.theirs]
        rows.append(
            f"| `{key.name}` | {_cell(key.value)} | {_cell(key.doc)} | {', '.join(notes)} |"
        )
    rows += [""]
    for generator, keys in GENERATOR_KEYS.items():
        rows.append(
            f"Read silently on {_NAMES[generator]}'s sites (its own): "
            + ", ".join(f"`{key}`" for key in keys)
            + "."
        )
        rows.append("")
    return rows


def settings_reference() -> str:
    """The reference page's Markdown."""
    return render_reference(SiteConfig, SECTIONS, Account, ACCOUNT_TABLES)


def main(argv: list[str]) -> int:
    """Print the page, or write it to the one path given."""
    text = settings_reference()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
