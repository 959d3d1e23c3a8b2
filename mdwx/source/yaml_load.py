"""YAML as mdwx reads it: PyYAML's safe loader, with impossible timestamps as YAML errors.

PyYAML turns an unquoted ``2024-02-30``, ``…T23:59:60Z`` or ``…+24:00`` into a ``datetime``
and lets Python's ``ValueError`` escape, which is not a :class:`yaml.YAMLError` and so is
no one's to catch. :class:`Loader` raises a :class:`yaml.constructor.ConstructorError`
marked at the value instead, so every reader of YAML reports it at its line.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError


class ImpossibleTimestamp(ConstructorError):
    """An unquoted date or time that does not exist; marked at the value."""


class Loader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` whose timestamps are real dates or a marked YAML error."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            # Python words the zone's bound in timedelta reprs; say it in the reader's terms.
            reason = "the zone offset must be under 24 hours" if "offset" in str(exc) else str(exc)
            raise ImpossibleTimestamp(None, None, f"{node.value} is not a real date or time ({reason})",
                                      node.start_mark) from None


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)


def load(text: str) -> Any:
    """The YAML document in ``text`` (safe types only). Raises :class:`yaml.YAMLError`."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader
