"""Every number a relay takes is finite and inside its declared range (mdwx.relay.bounds).

NaN passes ``x <= 0`` (rate limiting off), infinity makes a never-expiring key and JSON that
is no JSON, a huge lifetime overflows a date and a tiny rate a ``Retry-After``: each such
value of ``relay key add --rate/--expires`` and of ``relay.toml`` is refused with one line
(the file's line for relay.toml), and what is accepted always prints as valid JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.errors import ConfigError
from mdwx.relay.bounds import BURST, EXPIRES_DAYS, MAX_BODY_MB, RATE_PER_MINUTE, Bound
from mdwx.relay.keys import KeyStore
from mdwx.relay.settings import load_relay_settings
from tests.cli_helpers import mdwx

NUMBERS = st.one_of(
    st.floats(),  # nan, ±inf, huge, tiny, subnormal, -0.0
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0.0, 1e-300, 1e300, 99999999999.0, 0.01, 1_000_000.0, 3660.0, 0.001]),
)


def _inside(value: float, bound: Bound) -> bool:
    whole = not bound.whole or float(value).is_integer()
    return math.isfinite(value) and bound.low <= value <= bound.high and whole


@given(days=NUMBERS, rate=NUMBERS)
def test_a_key_takes_only_bounded_finite_numbers(
    tmp_path_factory: pytest.TempPathFactory, days: float, rate: float
) -> None:
    store = KeyStore(tmp_path_factory.mktemp("keys") / "keys.json")
    fits = _inside(days, EXPIRES_DAYS) and _inside(rate, RATE_PER_MINUTE)
    try:
        store.add("k", "news", "draft", expires_in=days * 86400, rate_per_minute=rate, now=1e9)
    except ConfigError as exc:
        assert not fits and "\n" not in str(exc)
        assert ("--expires" if not _inside(days, EXPIRES_DAYS) else "--rate") in str(exc)
        return
    assert fits
    (record,) = KeyStore(store.path).records()  # read back: the file parses again
    json.loads(json.dumps(record.public(), allow_nan=False))


@pytest.mark.parametrize(
    "args",
    [
        ["--rate", "nan"],
        ["--rate", "inf"],
        ["--rate", "1e-300"],
        ["--expires", "nan"],
        ["--expires", "inf"],
        ["--expires", "99999999999"],
        ["--expires", "0"],
    ],
)
def test_the_cli_refuses_an_unbounded_key_in_one_line(tmp_path: Path, args: list[str]) -> None:
    config = tmp_path / "relay.toml"
    account = '[accounts.news]\nappid = "wx0123456789abcdef"\nsecret_env = "WECHAT_SECRET"\n'
    config.write_text(account, "utf-8")
    made = mdwx(
        "relay",
        "key",
        "add",
        "k",
        "--account",
        "news",
        "--allow",
        "draft",
        *args,
        "--config",
        str(config),
    )
    assert made.returncode == 2 and "Traceback" not in made.stderr
    assert len(made.stderr.strip().splitlines()) == 1 and args[0] in made.stderr
    listed = mdwx("relay", "key", "list", "--json", "--config", str(config))
    assert listed.returncode == 0 and json.loads(listed.stdout) == {"keys": []}


def test_a_keys_file_with_an_infinite_expiry_is_damaged_not_a_crash(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.json")
    store.add("k", "news", "draft", expires_in=86400, now=1e9)
    text = store.path.read_text("utf-8")
    store.path.write_text(text.replace('"expires": 1000086400.0', '"expires": Infinity'), "utf-8")
    with pytest.raises(ConfigError, match="damaged"):
        KeyStore(store.path).records()


@given(key=st.sampled_from(["rate_per_minute", "burst", "max_body_mb"]), value=NUMBERS)
def test_relay_toml_numbers_are_bounded_and_refused_at_their_line(
    tmp_path_factory: pytest.TempPathFactory, key: str, value: float
) -> None:
    bound = {"rate_per_minute": RATE_PER_MINUTE, "burst": BURST, "max_body_mb": MAX_BODY_MB}[key]
    shown = repr(value)  # TOML spells nan, inf, -inf, 1e+300 as Python prints them
    path = tmp_path_factory.mktemp("relay") / "relay.toml"
    path.write_text(f'upstream = "https://api.weixin.qq.com"\n{key} = {shown}\n', "utf-8")
    try:
        settings = load_relay_settings(path)
    except ConfigError as exc:
        assert not _inside(value, bound)
        assert str(exc).startswith(f"{path}:2: {key} must be a positive")
        return
    assert _inside(value, bound) and getattr(settings, key) == value
    assert settings.max_body_bytes > 0
