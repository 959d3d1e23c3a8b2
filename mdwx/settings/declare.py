"""One declaration per ``mdwx.toml`` setting, held on the dataclass field that keeps its value.

A setting is declared once, where its value lives::

    tab_width: int = setting(4, "columns between tab stops in code blocks", low=1, high=16)

The field's default is the setting's default; the :class:`Setting` in the field's metadata
holds what else there is to know: its kind of value (from the default, or given), its
choices or bounds, a check for what a table of choices cannot say (a time zone, a URL), one
line of documentation and an example. Reading a value (:func:`read_value`), a whole table
(:func:`read_table`), the "did you mean" of an unknown key (:func:`known_names`) and the
settings reference (:mod:`mdwx.settings_reference`) are all made from it.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from mdwx.settings.lines import did_you_mean, setting_error, table_key_error

T = TypeVar("T")

#: The key of a dataclass field's metadata holding its :class:`Setting`.
SPEC = "mdwx.setting"


class Kind(enum.Enum):
    """What a setting's value is in TOML, and how it reads in the reference."""

    TEXT = "text"
    FLAG = "true or false"
    COUNT = "whole number"
    NUMBER = "number"
    WORDS = "list of strings"
    TABLE = "table of strings"
    FLAG_OR_AUTO = 'true, false or "auto"'


class Problem(NamedTuple):
    """Why a value is refused: the one-line message and, when there is one, how to fix it;
    ``key`` is the key inside a table setting at fault, whose line the error names."""

    message: str
    hint: str | None = None
    key: str | None = None


#: A check of what kind, choices and bounds cannot say: ``(value, name)`` → a problem or None.
Check = Callable[[Any, str], "Problem | None"]


class Setting(NamedTuple):
    """What mdwx knows about one setting, besides its default (the field's).

    ``refusal`` is the message of a value outside ``choices`` or of a list too long, a
    :meth:`str.format` template over ``name``, ``value``, ``choices`` (joined by ", "),
    ``high`` and ``count`` (a list's length). ``low``/``high`` bound a number, both ends
    included (a number's ``low`` is never below 0: :func:`setting` fills it in); its one
    message, for every wrong value, is :func:`number_refusal`, made from those bounds.
    ``high`` alone bounds a list's length. ``toml`` is the key in ``mdwx.toml`` when it is not
    the field's name.
    """

    kind: Kind
    doc: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    check: Check | None = None
    refusal: str = ""
    hint: str | None = None
    example: Any = None
    toml: str = ""


def setting(
    default: T,
    doc: str,
    *,
    kind: Kind | None = None,
    choices: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
    check: Check | None = None,
    refusal: str = "",
    hint: str | None = None,
    example: Any = None,
    toml: str = "",
) -> T:
    """A dataclass field declaring a setting whose default is ``default`` (see :class:`Setting`).

    The kind of value follows the default (``True`` → a flag, ``4`` → a whole number, ``()`` →
    a list of strings…) unless ``kind`` says otherwise; ``None`` is optional text. A number
    without ``low`` may be 0; a number takes no ``refusal`` (its message comes from its bounds).
    """
    kind = kind or _kind_of(default)
    if kind in NUMERIC:
        if refusal:
            raise TypeError("a number's refusal is made from its bounds: give low/high only")
        low = 0 if low is None else low
        if low < 0 or (high is not None and high < low):
            raise TypeError(f"bounds {low}..{high} of a setting make no sense")
    elif not refusal:
        refusal = _default_refusal(choices, high)
    spec = Setting(
        kind=kind,
        doc=doc,
        choices=choices,
        low=low,
        high=high,
        check=check,
        refusal=refusal,
        hint=hint,
        example=default if example is None else example,
        toml=toml,
    )
    if isinstance(default, (dict, list)):
        made: Any = field(default_factory=lambda: copy.copy(default), metadata={SPEC: spec})
    else:
        made = field(default=default, metadata={SPEC: spec})
    return made  # type: ignore[no-any-return]  # a dataclass field stands for its value


def required(doc: str, *, kind: Kind = Kind.TEXT, example: Any = None) -> Any:
    """A dataclass field declaring a setting with no default: it must be given."""
    return field(metadata={SPEC: Setting(kind=kind, doc=doc, example=example)})


def _kind_of(default: object) -> Kind:
    kinds: list[tuple[type, Kind]] = [
        (bool, Kind.FLAG),
        (int, Kind.COUNT),
        (float, Kind.NUMBER),
        (tuple, Kind.WORDS),
        (dict, Kind.TABLE),
    ]
    return next((kind for cls, kind in kinds if isinstance(default, cls)), Kind.TEXT)


def _default_refusal(choices: tuple[str, ...], high: float | None) -> str:
    if choices:
        return "{name} must be one of {choices}"
    if high is not None:  # a list's length
        return "{name} has {count} items; at most {high} are allowed"
    return ""


#: The kinds of value bounded by ``low``/``high``, refused by :func:`number_refusal`.
NUMERIC = (Kind.COUNT, Kind.NUMBER)


def shown_number(value: float) -> str:
    """A bound as it is written in TOML: ``1`` for 1.0, ``0.1``, ``100000``."""
    return f"{value:g}" if isinstance(value, float) and abs(value) < 1e15 else str(value)


def bounds_text(spec: Setting) -> str:
    """The values a numeric setting takes, in words: ``a whole number from 1 to 16``,
    ``a number ≥ 0.1`` (the reference and every refusal of the setting say the same)."""
    noun = "a whole number" if spec.kind is Kind.COUNT else "a number"
    low = shown_number(spec.low if spec.low is not None else 0)
    if spec.high is not None:
        return f"{noun} from {low} to {shown_number(spec.high)}"
    return f"{noun} ≥ {low}"


def number_refusal(name: str, value: Any, spec: Setting) -> Problem | None:
    """The one message of a numeric setting for every value it refuses (of another kind, not
    finite, or outside the declared bounds), or None when ``value`` is good."""
    good = not isinstance(value, bool) and isinstance(
        value, int if spec.kind is Kind.COUNT else (int, float)
    )
    if good and not _outside(value, spec.low, spec.high) and value == value:  # nan != nan
        return None
    shown = shown_number(value) if good else repr(value)[:80]
    return Problem(f"{name} must be {bounds_text(spec)}, not {shown}", spec.hint)


def declared(cls: type) -> dict[str, tuple[str, Setting]]:
    """A dataclass's settings by their name in ``mdwx.toml``: ``{toml name: (field, spec)}``,
    in the order of the fields. Fields without a :class:`Setting` are not settings."""
    found = {}
    for item in fields(cls):
        spec = item.metadata.get(SPEC)
        if isinstance(spec, Setting):
            found[spec.toml or item.name] = (item.name, spec)
    return found


def read_table(cls: type, data: dict[str, Any], name: str, where: Path) -> Any:
    """An instance of the section dataclass ``cls`` from the TOML table ``[name]``.

    Every key must be one of the declared settings; each value is read by :func:`read_value`.
    Raises :class:`ConfigError` naming ``where`` and the line of the key at fault.
    """
    known = declared(cls)
    values = {}
    for key, value in data.items():
        if key not in known:
            raise setting_error(
                where,
                f"{name}.{key}",
                f"unknown setting {name}.{key}{did_you_mean(key, set(known))}",
            )
        attribute, spec = known[key]
        values[attribute] = read_value(f"{name}.{key}", value, spec, where)
    return replace(cls(), **values)


def read_value(name: str, value: Any, spec: Setting, where: Path) -> Any:
    """``value`` of setting ``name`` as mdwx keeps it, after its kind, bounds, choices and
    check; raises :class:`ConfigError` naming ``where`` and the line that set it."""
    if spec.kind in NUMERIC:
        problem = number_refusal(name, value, spec)
    else:
        problem = _kind_problem(name, value, spec.kind)
    if problem is None:
        value = _coerced(value, spec.kind)
        problem = refusal(name, value, spec)
    if problem is not None:
        if problem.key is not None:
            raise table_key_error(where, name, problem.key, problem.message, hint=problem.hint)
        raise setting_error(where, name, problem.message, hint=problem.hint)
    return value


def refusal(name: str, value: Any, spec: Setting) -> Problem | None:
    """Why ``value`` (already of the right kind) is refused as setting ``name``, or None."""
    if spec.kind in NUMERIC:
        problem = number_refusal(name, value, spec)
        if problem is not None:
            return problem
    outside = spec.choices and value not in spec.choices
    if spec.kind is Kind.WORDS and spec.high is not None:
        outside = len(value) > spec.high
    if outside:
        message = spec.refusal.format(
            name=name,
            value=value,
            choices=", ".join(spec.choices),
            low=spec.low,
            high=spec.high,
            count=len(value) if isinstance(value, tuple) else 0,
        )
        return Problem(message, spec.hint)
    return spec.check(value, name) if spec.check is not None else None


def _outside(value: float, low: float | None, high: float | None) -> bool:
    return (
        (low is not None and value < low)
        or (high is not None and value > high)
        or abs(value) == float("inf")
    )


def _kind_problem(name: str, value: Any, kind: Kind) -> Problem | None:
    if kind is Kind.TABLE:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return Problem(f"[{name}] must be a table of strings")
    elif kind is Kind.WORDS:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            return Problem(f"{name} must be a list of strings")
    elif kind is Kind.FLAG:
        if not isinstance(value, bool):
            return Problem(f"{name} must be true or false, not {value!r}")
    elif kind is Kind.FLAG_OR_AUTO:
        if not isinstance(value, bool) and value != "auto":  # 0 == False: not a flag in TOML
            return Problem(f'{name} must be true, false or "auto", not {value!r}')
    elif not isinstance(value, str):
        return Problem(f"{name} must be a string, not {value!r}")
    return None


def _coerced(value: Any, kind: Kind) -> Any:
    if kind is Kind.TABLE:
        return {str(k): v for k, v in value.items()}
    if kind is Kind.WORDS:
        return (value,) if isinstance(value, str) else tuple(value)
    if kind is Kind.NUMBER:
        return float(value)
    if kind is Kind.FLAG_OR_AUTO:
        return None if value == "auto" else value
    return value
