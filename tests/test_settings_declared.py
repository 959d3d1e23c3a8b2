"""Every setting and front-matter key is declared once (mdwx/settings); what is made from the
declaration — reading, refusals naming the file and line, the reference page, the README's
example, the Pelican and MkDocs key mappings — agrees with it."""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.accounts import ACCOUNT_KEYS, Account
from mdwx.config import SECTIONS, SETTINGS, SiteConfig, config_from_mapping
from mdwx.errors import ConfigError
from mdwx.settings.declare import Kind, Setting, declared
from mdwx.settings_reference import settings_reference, toml_value
from mdwx.source.article import read_article_found
from mdwx.source.front_keys import (
    FRONT_KEYS,
    GENERATOR_KEYS,
    KNOWN_KEYS,
    MATH_KEYS,
    plugin_drops,
    reaching_mdwx,
    silent_keys,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent

#: Every declared setting: (name in mdwx.toml, its section or "", field, declaration).
DECLARED = [(key, "", field, spec) for key, (field, spec) in SETTINGS.items()] + [
    (f"{section}.{key}", section, field, spec)
    for section, cls in SECTIONS.items()
    for key, (field, spec) in declared(cls).items()
]
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_./*", min_size=1, max_size=12)


def _valid(spec: Setting) -> st.SearchStrategy[Any]:
    """Values the declaration accepts (a checked setting: its declared example)."""
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.check is not None:
        return st.just(list(spec.example) if isinstance(spec.example, tuple) else spec.example)
    low, high = spec.low or 0, spec.high
    kinds: dict[Kind, st.SearchStrategy[Any]] = {
        Kind.FLAG: st.booleans(),
        Kind.FLAG_OR_AUTO: st.sampled_from([True, False, "auto"]),
        Kind.COUNT: st.integers(low, high if high is not None else 10**12),
        Kind.NUMBER: st.integers(math.ceil(low), math.floor(high) if high is not None else 10**6)
        | st.floats(low, high if high is not None else 1e9),
        Kind.WORDS: st.lists(_WORD, max_size=high if high is not None else 4),
        Kind.TEXT: st.text(alphabet="abc 中文-_/.:", max_size=20),
        Kind.TABLE: st.dictionaries(_WORD, _WORD, max_size=2),
    }
    return kinds[spec.kind]


def _refused(spec: Setting) -> st.SearchStrategy[Any]:
    """Values of the wrong kind, outside the bounds or not among the choices."""
    wrong: dict[Kind, st.SearchStrategy[Any]] = {
        Kind.FLAG: st.integers() | _WORD,
        Kind.FLAG_OR_AUTO: st.integers() | _WORD.filter(lambda w: w != "auto"),
        Kind.COUNT: st.integers(max_value=-1) | _WORD | st.floats(0, 9) | st.booleans(),
        Kind.NUMBER: st.floats(max_value=-0.001)
        | st.sampled_from([float("inf"), float("nan")])
        | _WORD
        | st.booleans(),
        Kind.WORDS: st.integers() | st.lists(st.integers(), min_size=1, max_size=3),
        Kind.TEXT: st.integers() | st.booleans() | st.lists(_WORD, max_size=2),
        Kind.TABLE: _WORD | st.dictionaries(_WORD, st.integers(), min_size=1, max_size=2),
    }
    strategy = wrong[spec.kind]
    if spec.choices:
        strategy |= _WORD.filter(lambda word: word not in spec.choices)
    if spec.kind is Kind.COUNT and spec.high is not None:
        strategy |= st.integers(int(spec.high) + 1, int(spec.high) + 10**6)
    if spec.kind is Kind.COUNT and spec.low:
        strategy |= st.integers(0, int(spec.low) - 1)
    if spec.kind is Kind.NUMBER and spec.high is not None:
        strategy |= st.floats(spec.high, exclude_min=True, allow_infinity=False)
    if spec.kind is Kind.NUMBER and spec.low:
        strategy |= st.floats(0, spec.low, exclude_max=True)
    if spec.kind is Kind.WORDS and spec.high is not None:
        strategy |= st.lists(_WORD, min_size=spec.high + 1, max_size=spec.high + 3)
    return strategy


def _read(name: str, section: str, value: Any, padding: int) -> SiteConfig:
    """The config of an mdwx.toml setting ``name`` to ``value`` after ``padding`` comment
    lines (and its table's header)."""
    lines = ["# a comment"] * padding
    if section:
        lines.append(f"[{section}]")
    lines.append(f"{name.rpartition('.')[2]} = {toml_value(value)}")
    return _config(lines)


def _kept(value: Any, spec: Setting) -> Any:
    """How mdwx keeps a value the file gave."""
    if spec.kind is Kind.WORDS:
        return tuple(value)
    if spec.kind is Kind.NUMBER:
        return float(value)
    if spec.kind is Kind.FLAG_OR_AUTO and value == "auto":
        return None
    return value


@settings(max_examples=150)
@given(data=st.data(), which=st.sampled_from(DECLARED), padding=st.integers(0, 3))
def test_every_declared_setting_reads_a_good_value_and_refuses_a_bad_one_on_its_line(
    data: st.DataObject, which: tuple[str, str, str, Setting], padding: int
) -> None:
    name, section, field, spec = which
    good = data.draw(_valid(spec), label="good")
    config = _read(name, section, good, padding)
    holder = getattr(config, section) if section else config
    assert getattr(holder, field) == _kept(good, spec)

    bad = data.draw(_refused(spec), label="bad")
    with pytest.raises(ConfigError) as refused:
        _read(name, section, bad, padding)
    error = refused.value
    assert error.path is not None and Path(error.path).name == "mdwx.toml"
    assert error.line == padding + (2 if section else 1)
    assert name in error.message
    assert "\n" not in str(error)


@settings(max_examples=60)
@given(
    which=st.sampled_from(list(declared(Account).items())),
    bad=st.integers() | st.booleans() | st.just("") | st.lists(_WORD, max_size=2),
    padding=st.integers(0, 2),
)
def test_every_declared_account_setting_reads_its_example_and_refuses_a_bad_value_on_its_line(
    which: tuple[str, tuple[str, Setting]], bad: Any, padding: int
) -> None:
    key, (field, spec) = which
    table = {"appid": "wx0123456789abcdef", "secret_env": "WECHAT_APPSECRET_BLOG"}
    table[key] = spec.example
    config = _read_account(table, padding)
    assert getattr(config.accounts["blog"], field) == spec.example

    table[key] = bad
    with pytest.raises(ConfigError) as refused:
        _read_account(table, padding)
    error = refused.value
    assert error.line == padding + 2 + list(table).index(key)
    assert f"accounts.blog.{key}" in error.message
    assert "\n" not in str(error)


def _read_account(table: dict[str, Any], padding: int) -> SiteConfig:
    lines = ["# a comment"] * padding + ["[accounts.blog]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in table.items()]
    return _config(lines)


def _config(lines: list[str]) -> SiteConfig:
    """The config of an ``mdwx.toml`` holding ``lines``, read as a site's is."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mdwx.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return config_from_mapping(data, root=Path(folder), config_path=path)


def test_the_committed_reference_is_the_one_the_declarations_make() -> None:
    committed = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert committed == settings_reference(), (
        "run: python -m mdwx.settings_reference docs/settings.md"
    )


def test_the_reference_names_every_setting_account_key_and_front_matter_key() -> None:
    page = settings_reference()
    for name, *_ in DECLARED:
        assert f"| `{name}` |" in page
    for key in declared(Account):
        assert f"| `{key}` |" in page
    for key in KNOWN_KEYS:
        assert f"| `{key}` |" in page


def test_the_readme_example_sets_every_declared_setting_and_the_declaration_accepts_it(
    tmp_path: Path,
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```toml\n", readme.index("## Configuration: `mdwx.toml`")) + 8
    data = tomllib.loads(readme[start : readme.index("\n```", start)])
    for listed in data.get("bundles", {}).values():  # a bundle names posts the site holds
        for post in listed:
            (tmp_path / post).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / post).write_text("# A post\n", encoding="utf-8")
    config_from_mapping(data, root=tmp_path, config_path=tmp_path / "mdwx.toml")
    written = set(data) | {f"{s}.{k}" for s in SECTIONS for k in data.get(s, {})}
    assert {name for name, *_ in DECLARED} <= written


def test_account_keys_are_its_declared_settings_and_tables() -> None:
    assert set(ACCOUNT_KEYS) == {
        "appid",
        "secret_env",
        "token_env",
        "backend",
        "api_base",
        "preview_to",
        "limits",
        "draft",
    }


def test_a_generators_own_keys_hold_no_mdwx_key_it_shares_one_by_declaring_it_theirs() -> None:
    for generator, keys in GENERATOR_KEYS.items():
        assert not set(keys) & set(KNOWN_KEYS), generator
    assert {"comments", "mathjax"} <= silent_keys("hexo")
    assert "comments" in silent_keys("jekyll")
    assert not silent_keys("hugo") & set(KNOWN_KEYS)


def test_pelican_hands_on_every_key_mdwx_reads_but_its_own_date_tags_and_lang() -> None:
    assert reaching_mdwx("pelican") == set(KNOWN_KEYS) - {"date", "tags", "lang"}
    assert {"summary", "image", "date", "tags", "lang"} <= silent_keys("pelican")


def test_mkdocs_keeps_its_own_keys_and_its_plugin_passes_the_shared_ones_but_draft() -> None:
    silent = silent_keys("mkdocs")
    assert {"draft", "comments", "tags", "author", "description", "hide"} <= silent
    dropped = plugin_drops("mkdocs")
    assert dropped <= silent
    assert "draft" in dropped and not {"comments", "tags", "author"} & dropped
    assert not dropped & (set(KNOWN_KEYS) - {"draft"})


#: The flags of FRONT_KEYS the article reader reads as flags (the math switches are read by
#: the math setting, which leaves any other value to the site's).
FLAGS = [
    key.name for key in FRONT_KEYS if key.value == "true or false" and key.name not in MATH_KEYS
]


@settings(max_examples=40)
@given(
    key=st.sampled_from(FLAGS),
    bad=st.lists(st.integers(), min_size=1, max_size=2) | st.just("maybe"),
    with_title=st.booleans(),
)
def test_every_front_matter_flag_refuses_a_non_flag_on_its_line_among_the_others(
    key: str, bad: Any, with_title: bool
) -> None:
    title = "title: T\n" if with_title else ""
    text = f"---\n{title}{key}: {toml_value(bad)}\ncomments: maybe\n---\n\nbody text\n"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _, errors = read_article_found(text, root / "post.md", SiteConfig(root=root))
    line = 3 if with_title else 2
    assert [(error.line, error.message.split(" ")[0]) for error in errors] == [
        (line, key),
        (line + 1, "comments"),
    ]
