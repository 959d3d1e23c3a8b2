"""A numeric setting has one refusal, made from its declared bounds, for every wrong value;
every value at its lower bound works, and no bound lets through a value that makes its
setting meaningless (a zero timeout, a zero limit)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SECTIONS, SETTINGS
from mdwx.errors import ConfigError
from mdwx.relay.bounds import BURST, EXPIRES_DAYS, MAX_BODY_MB, RATE_PER_MINUTE, Bound
from mdwx.settings.declare import NUMERIC, Kind, Setting, declared, shown_number
from mdwx.settings_reference import toml_value
from mdwx.source.site import load_config

#: Every numeric setting: (section or "", key, declaration).
NUMBERS = [("", key, spec) for key, (_, spec) in SETTINGS.items() if spec.kind in NUMERIC] + [
    (section, key, spec)
    for section, cls in SECTIONS.items()
    for key, (_, spec) in declared(cls).items()
    if spec.kind in NUMERIC
]
#: Settings whose 0 means nothing can work: a zero timeout, limit, size or count of things.
ZERO_IS_MEANINGLESS = {
    "limits.diagram_seconds",
    "images.remote_timeout",
    "images.remote_max_bytes",
    "images.body_max_bytes",
    "images.cover_max_bytes",
    "images.gif_max_bytes",
    "images.max_width",
    "video.review_timeout",
    "video.poll_interval",
    "concurrency",
    "tab_width",
}


def _name(section: str, key: str) -> str:
    return f"{section}.{key}" if section else key


def _site(folder: Path, section: str, key: str, value: Any) -> Path:
    header = f"[{section}]\n" if section else ""
    (folder / "mdwx.toml").write_text(f"{header}{key} = {toml_value(value)}\n", "utf-8")
    return folder


def _outside(spec: Setting) -> st.SearchStrategy[Any]:
    """Wrong values: below the lower bound, above the upper one, of another kind, not finite."""
    low = spec.low or 0
    below = st.integers(max_value=math.ceil(low) - 1)
    if spec.kind is Kind.NUMBER:
        below |= st.floats(max_value=low, exclude_max=True, allow_infinity=False)
    wrong = below | st.sampled_from(["8", True, [1]])
    if spec.kind is Kind.NUMBER:
        wrong |= st.sampled_from([math.inf, -math.inf, math.nan])
    else:
        wrong |= st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f != int(f))
    if spec.high is not None:
        wrong |= st.integers(min_value=math.floor(spec.high) + 1)
    return wrong


@settings(max_examples=80)
@given(data=st.data(), which=st.sampled_from(NUMBERS))
def test_every_wrong_value_of_a_numeric_setting_gets_its_one_message_naming_the_bounds(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, which: tuple[str, str, Setting]
) -> None:
    section, key, spec = which
    messages = set()
    for _ in range(2):
        value = data.draw(_outside(spec), label="wrong")
        folder = _site(tmp_path_factory.mktemp("s"), section, key, value)
        with pytest.raises(ConfigError) as refused:
            load_config(folder)
        assert refused.value.line == (2 if section else 1)
        text, _, shown = refused.value.message.rpartition(", not ")
        assert shown, refused.value.message
        messages.add(text)
    [message] = messages  # the same words for every wrong value
    assert message.startswith(f"{_name(section, key)} must be ")
    assert shown_number(spec.low if spec.low is not None else 0) in message
    if spec.high is not None:
        assert f"to {shown_number(spec.high)}" in message


@pytest.mark.parametrize(("section", "key", "spec"), NUMBERS, ids=lambda v: str(v)[:30])
def test_every_numeric_setting_works_at_its_bounds(
    tmp_path: Path, section: str, key: str, spec: Setting
) -> None:
    for bound in (spec.low, spec.high):
        if bound is None:
            continue
        config = load_config(_site(tmp_path, section, key, bound))
        holder = getattr(config, section) if section else config
        kept = getattr(holder, declared(type(holder))[key][0])
        assert kept == bound


@pytest.mark.parametrize("name", sorted(ZERO_IS_MEANINGLESS))
def test_a_zero_that_would_stop_everything_is_refused_at_its_line(
    tmp_path: Path, name: str
) -> None:
    section, _, key = name.rpartition(".")
    _site(tmp_path, section, key, 0)
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path)
    assert refused.value.path == str(tmp_path / "mdwx.toml")
    assert refused.value.message.startswith(f"{name} must be a ")
    assert refused.value.message.endswith(", not 0")


def test_the_examples_the_testers_found(tmp_path: Path) -> None:
    """``-1`` and ``0`` of one setting read the same words (they said "≥ 0" and "between 1
    and 16")."""
    said = []
    for value in (-1, 0, 17):
        with pytest.raises(ConfigError) as refused:
            load_config(_site(tmp_path, "", "tab_width", value))
        said.append(refused.value.message)
    assert said == [f"tab_width must be a whole number from 1 to 16, not {v}" for v in (-1, 0, 17)]
    assert {_name(s, k) for s, k, _ in NUMBERS} >= ZERO_IS_MEANINGLESS


#: The relay's numbers (relay.toml and a key's --rate/--expires), declared by their bounds.
RELAY_BOUNDS = [RATE_PER_MINUTE, BURST, MAX_BODY_MB, EXPIRES_DAYS]


@settings(max_examples=60)
@given(
    bound=st.sampled_from(RELAY_BOUNDS),
    wrong=st.lists(
        st.floats(allow_nan=True, allow_infinity=True)
        | st.integers()
        | st.sampled_from(["8", True, None, [1]]),
        min_size=2,
        max_size=4,
    ),
)
def test_every_wrong_relay_number_gets_its_one_phrase_naming_the_range(
    bound: Bound, wrong: list[Any]
) -> None:
    phrases = {bound.problem(value) for value in wrong}
    phrases.discard(None)  # a drawn value may be a good one
    texts = {phrase.rpartition(", not ")[0] for phrase in phrases if phrase}
    assert len(texts) <= 1
    for text in texts:
        assert " from " in text and text.endswith(bound.unit)
