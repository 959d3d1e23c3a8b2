"""YAML as mdwx reads it: PyYAML's safe loader, where a date no calendar has stays text.

PyYAML turns an unquoted ``2024-02-30``, ``…T23:59:60Z`` or ``…+24:00`` into a ``datetime``
and lets Python's ``ValueError`` escape, which is not a :class:`yaml.YAMLError` and so is no
one's to catch: it stopped the whole batch with a traceback. The site generators' own YAML
readers (js-yaml, Psych, Go's) take such a post, so :class:`Loader` keeps the value as the
text written. A key whose value must be a real time (``publish_at``) says so at its line
when it validates the value (:func:`mdwx.source.targets.publish_at`).

PyYAML also refuses a tab after a value (``- tag<TAB>``, ``title: x<TAB>``: "found character
'\\t' that cannot start any token"), which libyaml, and so Jekyll's Psych and Hugo's go-yaml,
skip as white space: YAML 1.2 §6.2 allows tabs as separation anywhere but in indentation.
:class:`Loader` skips a tab where libyaml's scanner does (``yaml_parser_scan_to_next_token``:
inside flow collections, and where no simple key may start, i.e. after a value).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

#: Aliases (``*name``) one document may use: enough for any real front matter or card, too
#: few for a "billion laughs" document whose aliases of aliases expand without bound.
MAX_ALIASES = 64


class Loader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` whose impossible timestamps stay the text written, whose
    aliases are bounded (:data:`MAX_ALIASES`) and whose integers too long for Python to read
    are a marked YAML error instead of a ``ValueError``."""

    aliases_seen = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > MAX_ALIASES:
                raise ComposerError(
                    None,
                    None,
                    f"more than {MAX_ALIASES} aliases (*name): refused",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
        return super().compose_node(parent, index)  # type: ignore[arg-type]

    def scan_to_next_token(self) -> None:
        """Skip white space, comments and line breaks up to the next token, as PyYAML's
        scanner does, and tabs too where libyaml skips them (never as indentation)."""
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (
                self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)
            ):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if not self.scan_line_break():  # type: ignore[no-untyped-call]
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # Python reads at most 4,300 digits
            raise ConstructorError(
                None, None, "a number too long to read", node.start_mark
            ) from None

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` as :class:`Loader` scans it (for the lines of its keys)."""
    return yaml.compose(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader


def load(text: str) -> Any:
    """The YAML document in ``text`` (safe types only).

    Raises :class:`yaml.YAMLError` (a marked one for too many aliases or too long a number)
    and :class:`RecursionError` for nesting deeper than Python's stack.
    """
    return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader
