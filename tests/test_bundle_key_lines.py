"""Every ``[bundles]`` refusal names mdwx.toml and the entry's line, however the key is spelt:
bare, quoted with escapes, literal, or holding dots and slashes (``"../x"``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.bundles.table import parse_bundles
from mdwx.errors import ConfigError

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

KEY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x7f"),
    min_size=1,
    max_size=12,
)


def _escaped(text: str, data: st.DataObject) -> str:
    """``text`` as a TOML basic string, each character written plainly or as an escape."""
    out = []
    for char in text:
        plain = json.dumps(char, ensure_ascii=False)[1:-1]
        if plain == char and data.draw(st.booleans()):
            out.append(char)
        else:
            out.append(f"\\U{ord(char):08X}" if data.draw(st.booleans()) else plain)
    return '"' + "".join(out) + '"'


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """(the key as TOML reads it, the key as written in the file)."""
    name = draw(KEY_TEXT)
    form = draw(st.sampled_from(["basic", "literal", "bare"]))
    if form == "literal" and "'" not in name and all(c >= " " for c in name):
        return name, f"'{name}'"
    if form == "bare" and name.replace("-", "").replace("_", "").isalnum() and name.isascii():
        return name, name
    return name, _escaped(name, draw(st.data()))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "posts").mkdir()
    (root / "posts" / "p1.md").write_text("---\ntitle: a\n---\nA\n", encoding="utf-8")
    return root


@hsettings(max_examples=80)
@given(key=spellings(), value=st.sampled_from(['["posts/p1.md"]', "[]", '["../out.md"]', "3"]))
def test_a_refused_bundle_names_its_line_however_its_key_is_spelt(
    site: Path, key: tuple[str, str], value: str
) -> None:
    name, written = key
    text = f'backend = "draft"\n\n[bundles]\nok = ["posts/p1.md"]\n# a note\n{written} = {value}\n'
    try:
        data = tomllib.loads(text)["bundles"]
    except tomllib.TOMLDecodeError:
        return  # not TOML at all: the config reader reports TOML's own line
    if name == "ok":
        return  # a duplicate key is TOML's error
    where = site / "mdwx.toml"
    where.write_text(text, encoding="utf-8")
    try:
        parse_bundles(data, where, site)
    except ConfigError as exc:
        assert exc.line == 6, (written, str(exc))
        assert str(exc).startswith(f"{where}:6: ") and "\n" not in str(exc)
        return
    raise AssertionError(f'{written} = {value} was accepted beside ok = ["posts/p1.md"]')


def test_a_bundle_name_with_dots_and_slashes_names_its_line(site: Path) -> None:
    where = site / "mdwx.toml"
    text = '[bundles]\n\n"../x" = ["posts/p1.md"]\n'
    where.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        parse_bundles(tomllib.loads(text)["bundles"], where, site)
    assert str(caught.value).startswith(f"{where}:3: bundle name '../x'")
