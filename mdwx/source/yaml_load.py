"""YAML as mdwx reads it: PyYAML's safe loader, where a date no calendar has stays text.

PyYAML turns an unquoted ``2024-02-30``, ``…T23:59:60Z`` or ``…+24:00`` into a ``datetime``
and lets Python's ``ValueError`` escape, which is not a :class:`yaml.YAMLError` and so is no
one's to catch: it stopped the whole batch with a traceback. The site generators' own YAML
readers (js-yaml, Psych, Go's) take such a post, so :class:`Loader` keeps the value as the
text written. A key whose value must be a real time (``publish_at``) says so at its line
when it validates the value (:func:`mdwx.source.targets.publish_at`).
"""

from __future__ import annotations

from typing import Any

import yaml


class Loader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` whose impossible timestamps stay the text written."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)


def load(text: str) -> Any:
    """The YAML document in ``text`` (safe types only). Raises :class:`yaml.YAMLError`."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader
