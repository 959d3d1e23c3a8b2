"""One rule for every ``[limits]`` value: a hard limit is at least 1 (0 no longer turns
``content_bytes`` off while it refuses every title); only ``content_chars``, a warning's
threshold, takes 0 to mean "no warning". A value outside its range is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.config import config_from_mapping
from mdwx.config_tables import MAX_BYTES_LIMIT, MAX_CHARS_LIMIT, Limits
from mdwx.errors import ConfigError

HIGH = {
    "title": MAX_CHARS_LIMIT,
    "digest": MAX_CHARS_LIMIT,
    "author": MAX_CHARS_LIMIT,
    "card_title": MAX_CHARS_LIMIT,
    "content_chars": MAX_BYTES_LIMIT,
    "content_bytes": MAX_BYTES_LIMIT,
    "markdown_bytes": MAX_BYTES_LIMIT,
}
LOW = {name: 0 if name == "content_chars" else 1 for name in HIGH}


@given(
    name=st.sampled_from(sorted(HIGH)),
    value=st.one_of(
        st.integers(min_value=-3, max_value=3), st.integers(), st.sampled_from([10**8, 10**8 + 1])
    ),
)
def test_every_limit_follows_one_rule(
    tmp_path_factory: pytest.TempPathFactory, name: str, value: int
) -> None:
    root = tmp_path_factory.mktemp("limits")
    (root / "mdwx.toml").write_text(f"[limits]\n{name} = {value}\n", "utf-8")
    try:
        config = config_from_mapping(
            {"limits": {name: value}}, root=root, config_path=root / "mdwx.toml"
        )
    except ConfigError as exc:
        assert not LOW[name] <= value <= HIGH[name]
        assert f"mdwx.toml:2: limits.{name} must be" in str(exc)
        return
    assert LOW[name] <= value <= HIGH[name]
    assert getattr(config.limits, name) == value


def test_zero_content_bytes_is_refused_not_a_limit_turned_off(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="limits.content_bytes must be a whole number from 1 to"):
        config_from_mapping({"limits": {"content_bytes": 0}}, root=tmp_path)
    assert Limits().content_bytes == 600_000
