"""Every command's ``--port`` takes 0 to 65535 and refuses anything else with exit 2 and one
usage line, never a traceback (``mdwx sandbox --port -5`` crashed in ``bind()``)."""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.cli.main import main


def _commands_with_port(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands_with_port(command, (*path, name))
        elif any("--port" in getattr(p, "opts", ()) for p in command.params):
            yield (*path, name)


PORTED = sorted(_commands_with_port(main))


def test_the_commands_with_a_port_are_found() -> None:
    assert ("sandbox",) in PORTED and ("preview",) in PORTED


@settings(max_examples=30)
@given(
    command=st.sampled_from(PORTED),
    port=st.integers(max_value=-1) | st.integers(min_value=65536),
)
def test_a_port_out_of_range_is_a_usage_error(command: tuple[str, ...], port: int) -> None:
    result = CliRunner().invoke(main, [*command, "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "'--port'" in result.output
    assert not isinstance(result.exception, OverflowError)
